package dev.agentsim.worker.cli;

import dev.agentsim.worker.AgentSimApplication;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application on its embedded defaults (embedded PostgreSQL with a fresh database, in-process
 * Temporal, the demo project), started in this process for one command and stopped after it, so a
 * command needs no server of its own. It listens on a free port of 127.0.0.1 only.
 */
final class LocalStack implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private LocalStack(ConfigurableApplicationContext context) {
    this.context = context;
  }

  static LocalStack start() {
    SpringApplication application = new SpringApplication(AgentSimApplication.class);
    application.setBannerMode(Banner.Mode.OFF);
    application.setLogStartupInfo(false);
    try {
      // As arguments, these win over the environment and any application.yml: a fresh database,
      // and a server on port 8080 is no obstacle.
      return new LocalStack(
          application.run(
              "--server.port=0",
              "--server.address=127.0.0.1",
              "--simulator.roles=api,worker",
              "--simulator.embedded-postgres.data-directory="));
    } catch (RuntimeException e) {
      throw new Failure("the embedded server did not start: " + e.getMessage(), e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Stops the server, the workers and the embedded PostgreSQL, whose files go with it. */
  @Override
  public void close() {
    context.close();
  }
}
