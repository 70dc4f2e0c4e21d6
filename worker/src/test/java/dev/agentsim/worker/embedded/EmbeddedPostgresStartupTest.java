package dev.agentsim.worker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/** The embedded PostgreSQL started ahead of the context: its failures and its clean-up. */
class EmbeddedPostgresStartupTest {

  @Test
  void aServerThatCannotStartFailsWithItsCause() throws IOException {
    StartingPostgres starting =
        StartingPostgres.start(
            new MockEnvironment()
                .withProperty("simulator.embedded-postgres.data-directory", "/proc/no-such-place"));

    assertThatThrownBy(starting::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("The embedded PostgreSQL did not start")
        .hasMessageContaining("/proc/no-such-place");
    starting.close();
  }

  @Test
  void nothingStartsWithAConfiguredDatabase() {
    EmbeddedPostgresStartup startup = new EmbeddedPostgresStartup();
    GenericApplicationContext context = new GenericApplicationContext();

    startup.environmentPrepared(
        null,
        new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/x"));
    startup.contextPrepared(context);

    assertThat(context.getBeanDefinitionNames()).isEmpty();
  }

  @Test
  void anApplicationThatFailsBeforeAnyBeanStopsTheServer()
      throws IOException, InterruptedException {
    int port = freePort();
    SpringApplication application = new SpringApplication(FailsEarly.class);
    application.setWebApplicationType(WebApplicationType.NONE);

    assertThatThrownBy(() -> application.run("--simulator.embedded-postgres.port=" + port))
        .hasMessage("fails before any bean");

    // Whatever was still starting has finished by now, so a server left behind would accept.
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("embedded-postgres-start")) {
        thread.join(30_000);
      }
    }
    assertThat(accepts(port)).as("server on port %d still accepts connections", port).isFalse();
  }

  @Configuration(proxyBeanMethods = false)
  static class FailsEarly {

    @Bean
    static BeanFactoryPostProcessor failing() {
      return beanFactory -> {
        throw new IllegalStateException("fails before any bean");
      };
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
