package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agents that never stop talking, or say 100 MB, end their runs within the limits while the service
 * keeps answering; a pattern that backtracks for ages on java.util.regex is judged at once;
 * patterns and JsonPath expressions that cannot run are refused when saved. Embedded mode:
 * loopback, where the streaming agent lives, is allowed.
 */
class OutboundLimitsEndToEndTest extends EmbeddedAppTest {

  private static final long HUNDRED_MB = 100L * 1024 * 1024;

  private static HttpServer streaming;
  private static ExecutorService threads;

  @BeforeAll
  static void startStreaming() throws IOException {
    streaming = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    threads = Executors.newCachedThreadPool();
    streaming.setExecutor(threads);
    streaming.createContext(
        "/endless",
        exchange -> {
          try (exchange;
              OutputStream body = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, 0);
            body.write("{\"text\": \"".getBytes(StandardCharsets.UTF_8));
            while (!Thread.currentThread().isInterrupted()) {
              body.write("and another thing ".getBytes(StandardCharsets.UTF_8));
              body.flush();
              Thread.sleep(20);
            }
          } catch (IOException | InterruptedException clientGone) {
            // what the limit does to it
          }
        });
    streaming.createContext(
        "/huge",
        exchange -> {
          byte[] chunk = new byte[64 * 1024];
          Arrays.fill(chunk, (byte) ' ');
          try (exchange;
              OutputStream body = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, 0);
            for (long sent = 0; sent < HUNDRED_MB; sent += chunk.length) {
              body.write(chunk);
            }
          } catch (IOException clientGone) {
            // what the limit does to it
          }
        });
    streaming.start();
  }

  @AfterAll
  static void stopStreaming() {
    streaming.stop(0);
    threads.shutdownNow();
  }

  private String streamingAgent(String path) {
    Http.Response created =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "streaming " + path,
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    "http://localhost:" + streaming.getAddress().getPort() + path,
                    "timeoutMs",
                    1_000)));
    assertThat(created.status())
        .as("loopback is allowed in embedded mode: %s", created.body())
        .isEqualTo(201);
    return (String) created.body().get("id");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> errorOfTheOnlyRun(String agent, Duration within) {
    String scenario =
        createScenario(Map.of("script", List.of("Hello"), "successCriteria", List.of()));
    long started = System.nanoTime();
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, createModel(), 1, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(within);
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    assertThat(run).containsEntry("terminationReason", "AGENT_ERROR");
    return (Map<String, Object>) ((Map<String, Object>) run.get("metrics")).get("errorInfo");
  }

  @Test
  void anEndlessReplyEndsAtTheAgentsTimeoutWhileTheServiceKeepsAnswering() {
    String agent = streamingAgent("/endless");
    String scenario =
        createScenario(Map.of("script", List.of("Hello"), "successCriteria", List.of()));
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, createModel(), 3, Map.of())).body().get("id");

    String path = "/simulations/" + scenario + "/batches/" + batch + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ((Number) http.get(path).body().get("runningRuns")).intValue() > 0);
    long asked = System.nanoTime();
    assertThat(http.get("/v1/agents?projectId=" + PROJECT).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(1));
    Map<String, Object> finished = awaitBatch(scenario, batch, "completed");

    assertThat(finished).containsEntry("errorsByCategory", Map.of("AI_AGENT_TIMEOUT", 3));
    // Two attempts of 1 s each (simulator.retry.max-attempts=2), not forever.
    assertThat(errorOfTheOnlyRun(agent, Duration.ofSeconds(8)))
        .containsEntry("category", "AI_AGENT_TIMEOUT")
        .containsEntry("message", "The agent did not answer within 1000 ms");
  }

  @Test
  void aHundredMegabyteReplyStopsAtTheLimit() {
    assertThat(errorOfTheOnlyRun(streamingAgent("/huge"), Duration.ofSeconds(8)))
        .containsEntry("category", "AI_AGENT_ERROR")
        .containsEntry(
            "message",
            "The agent's reply is longer than 1048576 bytes (simulator.agent.max-reply-bytes)");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCatastrophicPatternIsJudgedAtOnce() {
    fakes.stubFor(
        post(urlEqualTo("/aaa-agent"))
            .willReturn(okJson("{\"text\": \"" + "a".repeat(50) + "\"}")));
    String agent = createAgent("/aaa-agent");
    String scenario =
        createScenario(
            Map.of(
                "script",
                List.of("Hello"),
                "successCriteria",
                List.of(Map.of("type", "regex", "params", Map.of("pattern", "(.*a){30}x")))));

    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, createModel(), 1, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");

    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
    assertThat(metrics).containsEntry("status", "FAILED");
    assertThat(http.get("/v1/agents?projectId=" + PROJECT).status()).isEqualTo(200);
  }

  @Test
  void patternsAndJsonPathsThatCannotRunAreRefusedWhenSaved() {
    Map<String, Object> scenario =
        Map.of(
            "name",
            "s",
            "persona",
            Map.of("name", "p"),
            "mission",
            "m",
            "successCriteria",
            List.of(
                Map.of("type", "contains", "params", Map.of("value", "ok")),
                Map.of("type", "regex", "params", Map.of("pattern", "(order) \\1"))));
    assertRefused(
        http.post("/v1/scenarios?projectId=" + PROJECT, scenario),
        "successCriteria[1].params.pattern",
        "INVALID_VALUE",
        "successCriteria[1].params.pattern /(order) \\1/ is not a valid regular expression");
    assertRefused(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name",
                "s",
                "persona",
                Map.of("name", "p"),
                "mission",
                "m",
                "successCriteria",
                List.of(Map.of("type", "regex", "params", Map.of())))),
        "successCriteria[0].params.pattern",
        "REQUIRED",
        "successCriteria[0].params.pattern is required");
    assertRefused(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name",
                "s",
                "persona",
                Map.of("name", "p"),
                "mission",
                "m",
                "successCriteria",
                List.of(
                    Map.of(
                        "type",
                        "json_path",
                        "params",
                        Map.of("path", "$.outputs[?(@.text =~ /(.*a){30}x/)]"))))),
        "successCriteria[0].params.path",
        "INVALID_VALUE",
        "successCriteria[0].params.path $.outputs[?(@.text =~");
    assertRefused(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "a",
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    fakes.baseUrl() + "/agent",
                    "replyTextPath",
                    "$.messages[?(@.role =~ /bot/)].text"))),
        "config.replyTextPath",
        "INVALID_VALUE",
        "config.replyTextPath $.messages[?(@.role =~ /bot/)].text uses a regex filter");
    assertRefused(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "a",
                "type",
                "http",
                "config",
                Map.of("url", fakes.baseUrl() + "/agent", "endedPath", "$.["))),
        "config.endedPath",
        "INVALID_VALUE",
        "config.endedPath $.[ is not a valid JsonPath expression");
  }

  private static void assertRefused(
      Http.Response response, String field, String code, String detail) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body())
        .containsEntry("field", field)
        .containsEntry("code", code)
        .containsKey("traceId");
    assertThat((String) response.body().get("detail")).startsWith(detail);
  }
}
