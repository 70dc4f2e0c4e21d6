package dev.agentsim.worker.embedded;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentsim.store.settings.SimulatorSettings;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A real PostgreSQL started by the application itself when no database is configured. Its data
 * lives in a temporary directory unless {@code simulator.embedded-postgres.data-directory} keeps it
 * across restarts. It requires a password, generated and kept in the data directory, see {@link
 * PasswordAuthentication}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabase.class)
public class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  /**
   * The server {@link EmbeddedPostgresStartup} started ahead of the context; a context started
   * otherwise (not by {@code SpringApplication}) starts it here.
   */
  @Bean(destroyMethod = "close")
  RunningPostgres embeddedPostgres(
      ObjectProvider<StartingPostgres> starting, Environment environment) {
    RunningPostgres postgres =
        starting.getIfAvailable(() -> StartingPostgres.start(environment)).await();
    String dataDirectory = SimulatorSettings.of(environment).embeddedPostgres().dataDirectory();
    log.info(
        "Embedded PostgreSQL on port {}{}",
        postgres.server().getPort(),
        dataDirectory.isBlank() ? " (data is discarded on exit)" : ", data in " + dataDirectory);
    return postgres;
  }

  @Bean
  DataSource dataSource(RunningPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.jdbcUrl());
    dataSource.setUsername(postgres.user());
    dataSource.setPassword(postgres.password());
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }
}
