package dev.agentsim.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.worker.AgentSimApplication;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker-only process against a Temporal server of its own, here the standalone test server,
 * started after the process as in StandaloneTemporalTest: ready only once its workers poll, alive
 * all along, and nothing but health on its port.
 */
@Timeout(180)
class WorkerOnlyHealthTest {

  private static final String ADMIN_KEY = "operators-scrape-key-0123456789";

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void readyOnceItsTemporalServerAnswersAndServesNothingButHealth() throws Exception {
    int temporalPort = freePort();
    TestServer.PortBoundTestServer temporal = null;
    try (ConfigurableApplicationContext worker =
        new SpringApplicationBuilder(AgentSimApplication.class)
            .run(
                "--simulator.roles=worker",
                "--simulator.worker.health-port=0",
                "--spring.temporal.connection.target=127.0.0.1:" + temporalPort,
                "--simulator.demo.enabled=false",
                "--simulator.auth.admin-key=" + ADMIN_KEY)) {
      int port = ((WebServerApplicationContext) worker).getWebServer().getPort();

      assertThat(status(port, "/actuator/health/readiness")).isEqualTo(503);
      assertThat(status(port, "/actuator/health")).isEqualTo(503);
      assertThat(status(port, "/actuator/health/liveness")).isEqualTo(200);
      assertThat(status(port, "/v1/agents?projectId=health")).isEqualTo(404);
      assertThat(status(port, "/v1/batches/x")).isEqualTo(404);
      assertThat(status(port, "/actuator/health/../../v1/agents?projectId=health")).isEqualTo(404);
      assertThat(status(port, "/actuator")).isEqualTo(404);

      temporal = TestServer.createPortBoundServer(temporalPort, true);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> status(port, "/actuator/health/readiness") == 200);
      assertThat(status(port, "/actuator/health")).isEqualTo(200);
      assertThat(status(port, "/actuator/health/liveness")).isEqualTo(200);
      assertThat(status(port, "/v1/agents?projectId=health")).isEqualTo(404);
      // Operators scrape workers where they probe them, with a credential as for the API.
      assertThat(status(port, "/actuator/prometheus")).isEqualTo(401);
      HttpResponse<String> scrape =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + port + "/actuator/prometheus"))
                  .header("Authorization", "Bearer " + ADMIN_KEY)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("agentsim_batches_in_flight", "jvm_memory_used_bytes");
    } finally {
      if (temporal != null) {
        temporal.close();
      }
    }
  }

  private int status(int port, String path) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
