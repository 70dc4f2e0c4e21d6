package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators see: Prometheus metrics of Temporal's SDK and of the simulator after batches, the
 * example Grafana dashboard against a live scrape, info, and the ids that correlate log lines.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperatorsEndToEndTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A metric name where a PromQL expression selects it: {@code name{...}}. */
  private static final Pattern SELECTED_METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void prometheusHasTemporalsMetricsAndOursAfterABatch(CapturedOutput output) throws Exception {
    String agent = createAgent("/agent");
    Http.Response priced =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "priced fake LLM",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "model",
                "priced-model",
                "apiKey",
                "sk-test-secret",
                "inputPricePerMillion",
                1_000_000,
                "outputPricePerMillion",
                0));
    assertThat(priced.status()).isEqualTo(201);
    String model = (String) priced.body().get("id");
    String scenario = createScenario(Map.of());
    String before = scrape();

    String batch =
        (String) schedule(scenario, scheduleBody(agent, model, 3, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");
    List<Map<String, Object>> runs =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data");
    assertThat(runs).hasSize(3);

    // Temporal reports into Micrometer every few seconds.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              // Temporal's SDK reports to Micrometer every 10 s, its gauges once they have a value
              String scraped = scrape();
              return scraped.contains(
                      "temporal_workflow_task_schedule_to_start_latency_seconds_count")
                  && scraped.contains("temporal_worker_task_slots_available{")
                  && scraped.contains("temporal_sticky_cache_size");
            });
    String after = scrape();

    Map<String, Integer> byOutcome = new HashMap<>();
    int agentTurns = 0;
    for (Map<String, Object> run : runs) {
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
      byOutcome.merge(metrics.get("status") + "/" + run.get("terminationReason"), 1, Integer::sum);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
      // One latency per answer of the agent, on the first of its messages.
      agentTurns +=
          (int)
              turns.stream()
                  .map(turn -> (Map<?, ?>) turn.get("data"))
                  .filter(data -> "agent".equals(data.get("role")) && data.get("latencyMs") != null)
                  .count();
    }
    byOutcome.forEach(
        (outcome, count) -> {
          Map<String, String> tags =
              Map.of("verdict", outcome.split("/")[0], "reason", outcome.split("/")[1]);
          assertThat(
                  value(after, "agentsim_runs_finished_total", tags)
                      - value(before, "agentsim_runs_finished_total", tags))
              .as("runs finished %s", outcome)
              .isEqualTo((double) count);
        });
    assertThat(agentTurns).isPositive();
    assertThat(value(after, "agentsim_turn_latency_seconds_count", Map.of("agent", agent)))
        .isEqualTo((double) agentTurns);
    assertThat(
            value(
                after,
                "agentsim_turn_latency_seconds_bucket",
                Map.of("agent", agent, "le", "+Inf")))
        .isEqualTo((double) agentTurns);
    for (String role : List.of("user", "judge")) {
      Map<String, String> tags = Map.of("model", "priced-model", "role", role);
      double calls = value(after, "agentsim_llm_calls_total", tags);
      assertThat(calls).as("calls of the %s", role).isPositive();
      // The fake model counts 42 prompt tokens per call, at a price of 1 a token.
      assertThat(
              value(
                  after,
                  "agentsim_llm_tokens_total",
                  Map.of("model", "priced-model", "role", role, "direction", "input")))
          .isEqualTo(42 * calls);
      assertThat(value(after, "agentsim_llm_cost_total", tags)).isEqualTo(42 * calls);
    }
    assertThat(after).contains("agentsim_batches_in_flight");

    assertThat(after)
        .contains(
            "temporal_worker_task_slots_available{",
            "temporal_sticky_cache_size",
            "temporal_activity_schedule_to_start_latency_seconds_count");

    for (String metric : dashboardMetrics()) {
      assertThat(after)
          .as("the dashboard's %s in the scrape", metric)
          .containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]");
    }
  }

  @Test
  void logLinesOfARunCarryItsBatchAndRunIds(CapturedOutput output) {
    String agent = createAgent("/broken-agent");
    String scenario = createScenario(Map.of("script", List.of("hello")));
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, createModel(), 1, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");
    String run =
        (String)
            http.get(
                    "/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
                .list("data")
                .get(0)
                .get("id");

    assertThat(output.getAll().lines().filter(line -> line.contains("Run ended in ERROR")).toList())
        .anySatisfy(line -> assertThat(line).contains("batch=" + batch + " run=" + run + " "));
  }

  @Test
  void anErrorsTraceIdIsInTheLogContextOfItsRequest(CapturedOutput output) {
    Http.Response missing =
        http.get("/v1/agents/" + java.util.UUID.randomUUID() + "?projectId=" + PROJECT);
    assertThat(missing.status()).isEqualTo(404);
    String traceId = (String) missing.body().get("traceId");

    assertThat(output.getAll().lines().filter(line -> line.contains(traceId)).toList())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("[" + traceId + "]"));
  }

  @Test
  void infoShowsTheBuild() throws Exception {
    JsonNode build = JSON.readTree(get("/actuator/info").body()).path("build");
    assertThat(build.path("version").asString()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(build.path("artifact").asString()).isEqualTo("agentsim-worker");
    assertThat(build.path("time").asString()).isNotBlank();
  }

  private Set<String> dashboardMetrics() throws Exception {
    Path root = Files.exists(Path.of("..", "deploy")) ? Path.of("..") : Path.of(".");
    JsonNode dashboard =
        JSON.readTree(root.resolve("deploy/grafana/agentsim-dashboard.json").toFile());
    Set<String> metrics = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher selected = SELECTED_METRIC.matcher(expr.asString());
      while (selected.find()) {
        metrics.add(selected.group(1));
      }
    }
    assertThat(metrics).as("metrics the dashboard queries").hasSizeGreaterThan(5);
    return metrics;
  }

  /** The sum of the series of {@code name} that carry all of {@code tags}. */
  private static double value(String scrape, String name, Map<String, String> tags) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(
            line ->
                tags.entrySet().stream()
                    .allMatch(tag -> line.contains(tag.getKey() + "=\"" + tag.getValue() + "\"")))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String scrape() throws Exception {
    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    return scrape.body();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
