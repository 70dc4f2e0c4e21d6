package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.worker.demo.DemoSeeder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CognigyEndToEndTest extends EmbeddedAppTest {

  @Test
  @SuppressWarnings("unchecked")
  void schedulesABatchRunsItToCompletionAndReadsItBack() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());

    Http.Response scheduled =
        schedule(scenario, scheduleBody(agent, model, 5, Map.of("concurrency", 2)));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    CognigySchema.assertBatch(scheduled.body());
    assertThat(scheduled.body())
        .containsEntry("simulationReference", scenario)
        .containsEntry("runs", 5);
    String batch = (String) scheduled.body().get("id");

    Map<String, Object> finished = awaitBatch(scenario, batch, "completed");
    CognigySchema.assertBatch(finished);
    assertThat(finished).containsEntry("completedRuns", 5).containsEntry("failedRuns", 0);
    assertThat(finished.get("completedAt")).isNotNull();

    String runs = "/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT;
    List<Map<String, Object>> all = new ArrayList<>();
    Http.Response page = http.get(runs + "&limit=2&sort=sequence:asc");
    int pages = 1;
    while (true) {
      assertThat(page.status()).isEqualTo(200);
      CognigySchema.assertRunPage(page.body());
      Map<String, Object> pagination = page.object("pagination");
      assertThat(pagination).containsEntry("limit", 2).containsEntry("total", 5);
      assertThat(pagination.get("hasPrevious")).isEqualTo(pages > 1);
      all.addAll(page.list("data"));
      if (!(Boolean) pagination.get("hasNext")) {
        break;
      }
      page = http.get(runs + "&limit=2&sort=sequence:asc&next=" + pagination.get("next"));
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(all).extracting(run -> run.get("sequence")).containsExactly(1, 2, 3, 4, 5);

    for (Map<String, Object> run : all) {
      Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
      assertThat(metrics)
          .containsEntry("status", "SUCCESS")
          .containsEntry("success", true)
          .containsEntry("isBatchStopped", false);
      assertThat((Map<String, Object>) metrics.get("successRate"))
          .containsEntry("numerator", 3)
          .containsEntry("denominator", 3);
      assertThat(run)
          .containsEntry("terminationReason", "MAX_TURNS")
          .containsEntry("totalTurns", 6)
          .containsEntry("maxTurns", 3)
          .containsEntry("endPointType", "api")
          .containsEntry("largeLanguageModelReferenceId", model)
          .containsEntry("simulationRunBatchReference", batch);
      List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
      assertThat(turns)
          .extracting(turn -> ((Map<String, Object>) turn.get("data")).get("role"))
          .containsExactly("user", "agent", "user", "agent", "user", "agent");
      assertThat(turns.get(0).get("text"))
          .isEqualTo("I would like a large pizza margherita, please.");
      assertThat(turns.get(1).get("text")).isEqualTo("Your order is confirmed, order number 7.");
    }

    Map<String, Object> first = all.get(0);
    Http.Response one =
        http.get(
            "/simulations/"
                + scenario
                + "/batches/"
                + batch
                + "/runs/"
                + first.get("id")
                + "?projectId="
                + PROJECT);
    assertThat(one.status()).isEqualTo(200);
    CognigySchema.assertRun(one.body());
    assertThat(one.body())
        .containsEntry("id", first.get("id"))
        .containsEntry("turns", first.get("turns"));

    assertThat(http.get(runs + "&filter=status:FAILED").object("pagination"))
        .containsEntry("total", 0);
    assertThat(http.get(runs + "&filter=SUCCESS").object("pagination")).containsEntry("total", 5);

    // The agent got the run's session and secrets; every call carried an idempotency key.
    fakes.verify(
        15,
        postRequestedFor(urlEqualTo("/agent"))
            .withHeader("Authorization", equalTo("Bearer agent-secret"))
            .withRequestBody(matchingJsonPath("$.userId", equalTo("tester")))
            .withRequestBody(matchingJsonPath("$.data.tier", equalTo("gold"))));
    assertThat(fakes.findAll(postRequestedFor(urlEqualTo("/agent"))))
        .allSatisfy(request -> assertThat(request.getHeader("Idempotency-Key")).isNotBlank());
  }

  @Test
  @SuppressWarnings("unchecked")
  void stoppingARunningBatchCancelsItsRunsAndKeepsTheirTranscripts() {
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
        (String)
            schedule(scenario, scheduleBody(agent, model, 6, Map.of("concurrency", 2)))
                .body()
                .get("id");
    String path = "/simulations/" + scenario + "/batches/" + batch;

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ((Number) http.get(path + "?projectId=" + PROJECT).body().get("runningRuns"))
                        .intValue()
                    == 2);
    Http.Response stop = http.post(path + "/stop?projectId=" + PROJECT, Map.of());
    assertThat(stop.status()).isEqualTo(202);
    CognigySchema.assertBatch(stop.body());

    Map<String, Object> stopped = awaitBatch(scenario, batch, "stopped");
    assertThat(stopped).containsEntry("stopReason", "USER_CANCELLED");
    Map<String, Object> page = http.get(path + "/runs?projectId=" + PROJECT).body();
    CognigySchema.assertRunPage(page);
    List<Map<String, Object>> runs = (List<Map<String, Object>>) page.get("data");
    assertThat(runs)
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(run)
                  .containsEntry("status", "stopped")
                  .containsEntry("terminationReason", "CANCELLED");
              assertThat((Map<String, Object>) run.get("metrics"))
                  .containsEntry("isBatchStopped", true)
                  .containsEntry("isConversationEnded", false);
              assertThat((List<?>) run.get("turns")).isNotEmpty();
            });
  }

  /**
   * Stopped while runs are starting, talking and finishing: runs whose calls are cut off at every
   * point of their turns must all record themselves, or the batch never reads stopped.
   */
  @Test
  void aBatchStoppedInFullFlightStopsEveryTime() {
    String scenario = DemoSeeder.SCENARIO.toString();
    String path = "/simulations/" + scenario + "/batches/";
    for (int attempt = 0; attempt < 5; attempt++) {
      String batch =
          (String)
              http.post(
                      path.replace("/batches/", "/schedule?projectId=demo"),
                      Map.of(
                          "projectReference",
                          "demo",
                          "name",
                          "stopped in flight",
                          "numberOfExecutions",
                          200,
                          "concurrency",
                          20,
                          "runConfig",
                          Map.of(
                              "flowReferenceId",
                              DemoSeeder.AGENT.toString(),
                              "entrypoint",
                              "demo",
                              "largeLanguageModelReferenceId",
                              DemoSeeder.MODEL.toString())))
                  .body()
                  .get("id");
      int finishedBefore = attempt * 5;
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  ((Number) http.get(path + batch + "?projectId=demo").body().get("completedRuns"))
                          .intValue()
                      >= finishedBefore);
      assertThat(http.post(path + batch + "/stop?projectId=demo", Map.of()).status())
          .isEqualTo(202);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  "stopped"
                      .equals(http.get(path + batch + "?projectId=demo").body().get("status")));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFailingAgentWithStopOnFailureFailsTheBatch() {
    String agent = createAgent("/broken-agent");
    String model = createModel();
    String scenario = createScenario(Map.of("script", List.of("hello")));
    String batch =
        (String)
            schedule(
                    scenario,
                    scheduleBody(agent, model, 5, Map.of("concurrency", 1, "stopOnFailure", true)))
                .body()
                .get("id");

    Map<String, Object> failed = awaitBatch(scenario, batch, "failed");
    assertThat(failed)
        .containsEntry("stopReason", "STOP_ON_FAILURE")
        .containsEntry("failedRuns", 1)
        .containsEntry("completedRuns", 1);
    List<Map<String, Object>> runs =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data");
    assertThat(runs).hasSize(1);
    Map<String, Object> metrics = (Map<String, Object>) runs.get(0).get("metrics");
    assertThat(metrics).containsEntry("status", "ERROR").containsEntry("success", false);
    assertThat((Map<String, Object>) metrics.get("errorInfo"))
        .containsEntry("category", "AI_AGENT_ERROR");
    assertThat(runs.get(0)).containsEntry("terminationReason", "AGENT_ERROR");
    // Two attempts (simulator.retry.max-attempts=2), then the batch stopped: no second run started.
    fakes.verify(2, postRequestedFor(urlEqualTo("/broken-agent")));
  }

  @Test
  void theDemoFromTheReadmeCompletesWithoutAnyKey() {
    String scenario = DemoSeeder.SCENARIO.toString();
    Http.Response scheduled =
        http.post(
            "/simulations/" + scenario + "/schedule?projectId=demo",
            Map.of(
                "projectReference",
                "demo",
                "name",
                "first batch",
                "numberOfExecutions",
                3,
                "runConfig",
                Map.of(
                    "flowReferenceId",
                    DemoSeeder.AGENT.toString(),
                    "entrypoint",
                    "demo",
                    "largeLanguageModelReferenceId",
                    DemoSeeder.MODEL.toString())));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String batch = (String) scheduled.body().get("id");
    String path = "/simulations/" + scenario + "/batches/" + batch;
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "completed".equals(http.get(path + "?projectId=demo").body().get("status")));
    assertThat(http.get(path + "/runs?projectId=demo&filter=SUCCESS").object("pagination"))
        .containsEntry("total", 3);
  }
}
