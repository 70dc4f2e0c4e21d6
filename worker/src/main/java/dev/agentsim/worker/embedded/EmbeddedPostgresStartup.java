package dev.agentsim.worker.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the embedded PostgreSQL as soon as the configuration is known, before the context even
 * exists: initdb and the server's start take a second or more, which then passes while Spring reads
 * its configuration classes and creates the web server instead of adding to the start-up. The
 * {@code embeddedPostgres} bean waits for it.
 */
public class EmbeddedPostgresStartup implements SpringApplicationRunListener {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStartup.class);

  private StartingPostgres starting;

  @Override
  public void environmentPrepared(
      ConfigurableBootstrapContext bootstrapContext, ConfigurableEnvironment environment) {
    if (EmbeddedDatabase.isEmbedded(environment)) {
      starting = StartingPostgres.start(environment);
    }
  }

  /** Hands the server to the context, which stops it on close, after the beans using it. */
  @Override
  public void contextPrepared(ConfigurableApplicationContext context) {
    if (starting == null) {
      return;
    }
    if (context instanceof BeanDefinitionRegistry registry) {
      StartingPostgres server = starting;
      registry.registerBeanDefinition(
          "startingEmbeddedPostgres", new RootBeanDefinition(StartingPostgres.class, () -> server));
    } else {
      stop();
    }
  }

  /** A start that fails before the context has taken the server over would leave it running. */
  @Override
  public void failed(ConfigurableApplicationContext context, Throwable exception) {
    stop();
  }

  private void stop() {
    if (starting == null) {
      return;
    }
    try {
      starting.close();
    } catch (Exception e) {
      log.warn("The embedded PostgreSQL did not stop cleanly", e);
    }
    starting = null;
  }
}
