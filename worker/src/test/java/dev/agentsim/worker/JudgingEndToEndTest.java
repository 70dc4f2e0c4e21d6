package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Judging seen through the API: structured verdicts, sentiment and summary, tokens reported by
 * role, and a finished batch judged again after its scenario's criteria changed.
 */
class JudgingEndToEndTest extends EmbeddedAppTest {

  @Test
  @SuppressWarnings("unchecked")
  void aBatchIsJudgedReportedAndRejudgedWithTheScenariosNewCriteria() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, model, 3, Map.of("concurrency", 3)))
                .body()
                .get("id");
    String batchPath = "/simulations/" + scenario + "/batches/" + batch;
    Map<String, Object> finished = awaitBatch(scenario, batch, "completed");
    CognigySchema.assertBatch(finished);
    assertThat(finished)
        .containsEntry("succeededRuns", 3)
        .containsEntry("evaluation", 1)
        .containsEntry("rejudging", false)
        .containsEntry("errorsByCategory", Map.of());
    Map<String, Map<String, Object>> batchUsage =
        (Map<String, Map<String, Object>>) finished.get("usage");
    assertThat(batchUsage.get("judge"))
        .containsEntry("calls", 3)
        .containsEntry("promptTokens", 3 * 42)
        .containsEntry("completionTokens", 3 * 12)
        .doesNotContainKey("cost");
    assertThat(batchUsage.get("summary")).containsEntry("calls", 3);
    assertThat((Integer) batchUsage.get("user").get("calls")).isPositive();
    assertThat(batchUsage.get("total"))
        .containsEntry("calls", (Integer) batchUsage.get("user").get("calls") + 6);

    Http.Response page = http.get(batchPath + "/runs?projectId=" + PROJECT + "&sort=sequence:asc");
    CognigySchema.assertRunPage(page.body());
    List<Map<String, Object>> before = page.list("data");
    assertThat(before)
        .hasSize(3)
        .allSatisfy(
            run -> {
              assertThat(run).containsEntry("evaluation", 1);
              Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
              assertThat(metrics)
                  .containsEntry("status", "SUCCESS")
                  .containsEntry("sentiment", "positive")
                  .containsEntry("summary", SUMMARY);
              List<Map<String, Object>> results =
                  (List<Map<String, Object>>) metrics.get("results");
              assertThat(results.get(1))
                  .containsEntry("type", "text")
                  .containsEntry("passed", true)
                  .containsEntry("reason", "The agent gave order number 7 [2].")
                  .containsEntry("turns", List.of(2))
                  .containsEntry("confidence", 0.9);
              assertThat(results.get(0)).doesNotContainKeys("turns", "confidence");
              Map<String, Map<String, Object>> usage =
                  (Map<String, Map<String, Object>>) metrics.get("usage");
              assertThat(usage).containsOnlyKeys("user", "judge", "summary", "total");
              assertThat(usage.get("judge"))
                  .containsEntry("calls", 1)
                  .containsEntry("promptTokens", 42);
              assertThat(usage.get("summary")).containsEntry("calls", 1);
            });
    Http.Response one =
        http.get(batchPath + "/runs/" + before.get(0).get("id") + "?projectId=" + PROJECT);
    CognigySchema.assertRun(one.body());
    assertThat(one.body().get("metrics")).isEqualTo(before.get(0).get("metrics"));

    // The scenario now forbids what the agent says; the batch is judged again without talking to
    // anyone.
    Map<String, Object> changed =
        new HashMap<>(http.get("/v1/scenarios/" + scenario + "?projectId=" + PROJECT).body());
    changed
        .keySet()
        .retainAll(List.of("name", "persona", "mission", "maxTurns", "firstSpeaker", "script"));
    changed.put(
        "successCriteria",
        List.of(
            Map.of("type", "not_contains", "params", Map.of("value", "confirmed")),
            Map.of("type", "text", "params", Map.of("text", JUDGED_CRITERION))));
    assertThat(http.put("/v1/scenarios/" + scenario + "?projectId=" + PROJECT, changed).status())
        .isEqualTo(200);
    int agentCalls =
        fakes.getAllServeEvents().stream()
            .filter(event -> event.getRequest().getUrl().equals("/agent"))
            .toList()
            .size();

    Http.Response rejudged = http.post(batchPath + "/rejudge?projectId=" + PROJECT, Map.of());
    assertThat(rejudged.status()).as("%s", rejudged.body()).isEqualTo(202);
    CognigySchema.assertBatch(rejudged.body());
    assertThat(rejudged.body()).containsEntry("evaluation", 2).containsEntry("status", "completed");

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                Boolean.FALSE.equals(
                    http.get(batchPath + "?projectId=" + PROJECT).body().get("rejudging")));
    Map<String, Object> after = http.get(batchPath + "?projectId=" + PROJECT).body();
    assertThat(after)
        .containsEntry("evaluation", 2)
        .containsEntry("failedRuns", 3)
        .containsEntry("succeededRuns", 0)
        .containsEntry("completedRuns", 3);
    List<Map<String, Object>> runs =
        http.get(batchPath + "/runs?projectId=" + PROJECT + "&sort=sequence:asc").list("data");
    for (int i = 0; i < 3; i++) {
      Map<String, Object> run = runs.get(i);
      CognigySchema.assertRun(run);
      assertThat(run)
          .containsEntry("evaluation", 2)
          .containsEntry("id", before.get(i).get("id"))
          .containsEntry("turns", before.get(i).get("turns"));
      Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
      assertThat(metrics).containsEntry("status", "FAILED").containsEntry("success", false);
      assertThat((List<Map<String, Object>>) metrics.get("results"))
          .extracting(result -> result.get("type"), result -> result.get("passed"))
          .containsExactly(tuple("not_contains", false), tuple("text", true));
      assertThat(((Map<String, Map<String, Object>>) metrics.get("usage")).get("judge"))
          .containsEntry("calls", 2);
    }
    assertThat(
            fakes.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals("/agent")))
        .as("no conversation ran again")
        .hasSize(agentCalls);

    Http.Response nativeView = http.get("/v1/batches/" + batch + "?projectId=" + PROJECT);
    assertThat(nativeView.status()).isEqualTo(200);
    assertThat(nativeView.body())
        .containsEntry("id", batch)
        .containsEntry("scenarioId", scenario)
        .containsEntry("status", "completed")
        .containsEntry("evaluation", 2)
        .containsEntry("failedRuns", 3)
        .containsEntry("rejudging", false);
    assertThat(((Map<String, Map<String, Object>>) nativeView.body().get("usage")).get("judge"))
        .containsEntry("calls", 6);

    Http.Response again =
        http.post("/v1/batches/" + batch + "/rejudge?projectId=" + PROJECT, Map.of());
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body()).containsEntry("evaluation", 3);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                Boolean.FALSE.equals(
                    http.get("/v1/batches/" + batch + "?projectId=" + PROJECT)
                        .body()
                        .get("rejudging")));
  }

  @Test
  void aRunningBatchCannotBeRejudged() {
    String agent = createAgent("/slow-agent");
    String model = createModel();
    String scenario =
        createScenario(
            Map.of(
                "maxTurns",
                10,
                "successCriteria",
                List.of(),
                "script",
                List.of(
                    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                    "ten")));
    String batch =
        (String) schedule(scenario, scheduleBody(agent, model, 2, Map.of())).body().get("id");
    String batchPath = "/simulations/" + scenario + "/batches/" + batch;

    Http.Response cognigy = http.post(batchPath + "/rejudge?projectId=" + PROJECT, Map.of());
    assertThat(cognigy.status()).isEqualTo(409);
    CognigySchema.assertError(cognigy.body());
    assertThat(cognigy.body()).containsEntry("code", "BATCH_NOT_FINISHED");

    Http.Response nativeApi =
        http.post("/v1/batches/" + batch + "/rejudge?projectId=" + PROJECT, Map.of());
    assertThat(nativeApi.status()).isEqualTo(409);
    assertThat(nativeApi.contentType()).startsWith("application/problem+json");
    assertThat(nativeApi.body())
        .containsEntry("status", 409)
        .containsEntry("code", "BATCH_NOT_FINISHED")
        .containsKey("traceId");

    assertThat(http.post(batchPath + "/stop?projectId=" + PROJECT, Map.of()).status())
        .isEqualTo(202);
    awaitBatch(scenario, batch, "stopped");
  }

  @Test
  void unknownOrMalformedBatchesAreNamed() {
    Http.Response unknown =
        http.get("/v1/batches/00000000-0000-4000-8000-00000000dead?projectId=" + PROJECT);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    Http.Response malformed =
        http.post("/v1/batches/not-a-uuid/rejudge?projectId=" + PROJECT, Map.of());
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body()).containsEntry("field", "batchId");
  }
}
