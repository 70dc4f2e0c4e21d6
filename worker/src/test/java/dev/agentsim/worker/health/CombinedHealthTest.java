package dev.agentsim.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default process, with both roles, serves health next to the API on its one port. Configured
 * as EmbeddedAppTest is, so that the two share one cached application.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "simulator.retry.max-attempts=2",
      "simulator.retry.initial-interval-ms=50",
      "simulator.retry.attempt-timeout-seconds=10",
    })
class CombinedHealthTest {

  @LocalServerPort int port;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void healthIsUpOnTheMainPortNextToTheApi() throws Exception {
    for (String path :
        List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
      HttpResponse<String> health = get(path);
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).path("status").asString()).as(path).isEqualTo("UP");
    }
    assertThat(get("/v1/agents?projectId=health").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
