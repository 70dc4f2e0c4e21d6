package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-process embedded default killed outright (kill -9) in the middle of a batch and started
 * again on its kept data directory: the batch carries on where its runs left off.
 */
@Timeout(300)
class EmbeddedRestartTest {

  private static final String PROJECT = "restart";
  private static final List<String> SCRIPT =
      List.of("I would like to order a pizza.", "A margherita, please.", "Large.", "That is all.");
  private static final String REPLY = "Noted, your order is on its way.";

  @TempDir Path data;

  private final WireMockServer agent = new WireMockServer(options().dynamicPort());
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void startAgent() {
    agent.start();
    agent.stubFor(
        post(urlEqualTo("/agent"))
            .willReturn(
                okJson(
                        """
        {"text": "%s", "ended": false}"""
                            .formatted(REPLY))
                    .withFixedDelay(150)));
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
      process.waitFor();
    }
    agent.stop();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aBatchInFlightWhenTheProcessIsKilledCompletesAfterARestart() throws Exception {
    int port = freePort();
    Process first = start(port, "first");
    Http http = new Http(port);
    String agentId =
        created(
            http.post(
                "/v1/agents?projectId=" + PROJECT,
                Map.of(
                    "name",
                    "pizza agent",
                    "type",
                    "http",
                    "config",
                    Map.of("url", agent.baseUrl() + "/agent", "timeoutMs", 5_000))));
    String modelId =
        created(
            http.post(
                "/v1/models?projectId=" + PROJECT,
                Map.of(
                    "name",
                    "unused model",
                    "provider",
                    "openai",
                    "baseUrl",
                    "http://127.0.0.1:1/v1",
                    "model",
                    "none")));
    String scenarioId =
        created(
            http.post(
                "/v1/scenarios?projectId=" + PROJECT,
                Map.of(
                    "name",
                    "Order a pizza",
                    "persona",
                    Map.of("name", "Sam", "description", "Hungry"),
                    "mission",
                    "Order a pizza",
                    "maxTurns",
                    SCRIPT.size(),
                    "script",
                    SCRIPT,
                    "successCriteria",
                    List.of(Map.of("type", "contains", "params", Map.of("value", "on its way"))))));
    Http.Response scheduled =
        http.post(
            "/simulations/" + scenarioId + "/schedule?projectId=" + PROJECT,
            Map.of(
                "projectReference",
                PROJECT,
                "name",
                "killed in flight",
                "numberOfExecutions",
                16,
                "concurrency",
                4,
                "runConfig",
                Map.of(
                    "flowReferenceId",
                    agentId,
                    "entrypoint",
                    "main",
                    "largeLanguageModelReferenceId",
                    modelId)));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String batch = (String) scheduled.body().get("id");
    String path = "/simulations/" + scenarioId + "/batches/" + batch + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ((Number) http.get(path).body().get("completedRuns")).intValue() >= 4);

    int finishedBefore = ((Number) http.get(path).body().get("completedRuns")).intValue();
    first.destroyForcibly().waitFor();
    start(port, "second");

    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "completed".equals(http.get(path).body().get("status")));
    Map<String, Object> finished = http.get(path).body();
    assertThat(finishedBefore).as("runs finished before the kill").isBetween(4, 15);
    assertThat(Files.readString(data.resolve("second.log")))
        .contains("Stopping the embedded PostgreSQL")
        .contains("Batch " + batch + " resumed after a restart");
    assertThat(finished)
        .containsEntry("completedRuns", 16)
        .containsEntry("succeededRuns", 16)
        .containsEntry("erroredRuns", 0)
        .containsEntry("stoppedRuns", 0);
    List<Map<String, Object>> runs =
        http.get(
                "/simulations/"
                    + scenarioId
                    + "/batches/"
                    + batch
                    + "/runs?projectId="
                    + PROJECT
                    + "&limit=100&sort=sequence:asc")
            .list("data");
    assertThat(runs).hasSize(16);
    List<String> transcript = new ArrayList<>();
    for (String line : SCRIPT) {
      transcript.add(line);
      transcript.add(REPLY);
    }
    for (Map<String, Object> run : runs) {
      assertThat(((List<Map<String, Object>>) run.get("turns")))
          .as("run %s", run.get("sequence"))
          .extracting(turn -> turn.get("text"))
          .containsExactlyElementsOf(transcript);
    }
    // Turns stored before the kill were not asked again: at most the calls in flight at the kill
    // repeat.
    int agentCalls =
        agent.countRequestsMatching(postRequestedFor(urlEqualTo("/agent")).build()).getCount();
    assertThat(agentCalls).isBetween(16 * SCRIPT.size(), 16 * SCRIPT.size() + 4);
  }

  private static String created(Http.Response response) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(201);
    return (String) response.body().get("id");
  }

  /**
   * The application in a process of its own, as the README starts it, on the kept data directory.
   */
  private Process start(int port, String name) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                AgentSimApplication.class.getName(),
                "--server.port=" + port,
                "--simulator.embedded-postgres.data-directory=" + data.resolve("postgres"))
            .redirectErrorStream(true)
            .redirectOutput(data.resolve(name + ".log").toFile())
            .start();
    processes.add(process);
    Http http = new Http(port);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      assertThat(process.isAlive())
          .as("the %s process is running (see %s.log)", name, name)
          .isTrue();
      assertThat(System.nanoTime())
          .as("the %s process answers within 90 s", name)
          .isLessThan(deadline);
      try {
        if (http.get("/v1/agents?projectId=" + PROJECT).status() == 200) {
          return process;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
