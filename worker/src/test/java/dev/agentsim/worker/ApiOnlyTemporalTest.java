package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An api process that comes first to a fresh Temporal server registers the search attributes its
 * batches carry: without them a real cluster refuses every batch, and the test server takes it and
 * leaves it stuck.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class ApiOnlyTemporalTest {

  @Test
  void anApiProcessRegistersTheSearchAttributesOfAFreshServer(CapturedOutput output)
      throws IOException {
    int temporalPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      temporalPort = socket.getLocalPort();
    }
    try (TestServer.PortBoundTestServer temporal =
            TestServer.createPortBoundServer(temporalPort, true);
        ConfigurableApplicationContext api =
            new SpringApplicationBuilder(AgentSimApplication.class)
                .run(
                    "--simulator.roles=api",
                    "--server.port=0",
                    "--simulator.demo.enabled=false",
                    "--spring.temporal.connection.target=127.0.0.1:" + temporalPort)) {
      SearchAttributesCheck.assertRegistered("127.0.0.1:" + temporalPort, output::getAll);
    }
  }

  @Test
  void anApiProcessIsReadyWhileItsTemporalServerAnswersAndAliveWhenItDoesNot() throws Exception {
    int temporalPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      temporalPort = socket.getLocalPort();
    }
    TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort, true);
    try (ConfigurableApplicationContext api =
        new SpringApplicationBuilder(AgentSimApplication.class)
            .run(
                "--simulator.roles=api",
                "--server.port=0",
                "--simulator.demo.enabled=false",
                "--spring.temporal.connection.target=127.0.0.1:" + temporalPort)) {
      String base = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port");
      HttpClient http = HttpClient.newHttpClient();

      assertThat(status(http, base + "/actuator/health/readiness")).isEqualTo(200);

      temporal.close();

      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> status(http, base + "/actuator/health/readiness") == 503);
      assertThat(status(http, base + "/actuator/health/liveness")).isEqualTo(200);
    } finally {
      temporal.close();
    }
  }

  private static int status(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
