package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two batches of one scripted scenario judged by rule: one against an agent that always confirms,
 * one against an agent that confirms every other time. Their statistics, their comparison, and the
 * scenario's flakiness.
 */
class StatisticsEndToEndTest extends EmbeddedAppTest {

  @Test
  void batchesReportStatisticsAndAreCompared() {
    fakes.stubFor(
        post(urlEqualTo("/flaky-agent"))
            .inScenario("flip")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("declined")
            .willReturn(
                okJson(
                    """
            {"text": "Your order is confirmed.", "ended": false}""")));
    fakes.stubFor(
        post(urlEqualTo("/flaky-agent"))
            .inScenario("flip")
            .whenScenarioStateIs("declined")
            .willSetStateTo(STARTED)
            .willReturn(
                okJson(
                    """
            {"text": "Sorry, we are out of dough.", "ended": false}""")));
    String steadyAgent = createAgent("/agent");
    String flakyAgent = createAgent("/flaky-agent");
    String modelId = createModel();
    String scenarioId =
        createScenario(
            Map.of(
                "script",
                List.of("A large pizza margherita, please."),
                "maxTurns",
                1,
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed")))));

    String steady = run(scenarioId, steadyAgent, modelId, 5);
    String flaky = run(scenarioId, flakyAgent, modelId, 4);

    Map<String, Object> statistics =
        object(http.get("/v1/batches/" + steady + "?projectId=" + PROJECT).body(), "statistics");
    assertThat(statistics)
        .containsEntry("judgedRuns", 5)
        .containsEntry("passes", 5)
        .containsEntry("errorRuns", 0)
        .containsEntry("passRate", 1.0);
    assertThat(number(object(statistics, "interval"), "low")).isCloseTo(0.5655, within(0.00005));
    assertThat(number(object(statistics, "interval"), "high")).isEqualTo(1.0);
    assertThat(list(statistics, "passHatK"))
        .extracting(k -> k.get("k"))
        .containsExactly(1, 2, 3, 4, 5);
    Map<String, Object> listed =
        http.get("/v1/batches?projectId=" + PROJECT + "&agentId=" + flakyAgent).list("data").get(0);
    Map<String, Object> flakyStatistics = object(listed, "statistics");
    assertThat(flakyStatistics)
        .containsEntry("judgedRuns", 4)
        .containsEntry("passes", 2)
        .containsEntry("passRate", 0.5);
    // C(2,k)/C(4,k): 1/2, 1/6, 0, 0
    assertThat(list(flakyStatistics, "passHatK"))
        .extracting(k -> number(k, "estimate"))
        .usingElementComparator((x, y) -> Math.abs(x - y) < 1e-9 ? 0 : Double.compare(x, y))
        .containsExactly(0.5, 1.0 / 6, 0.0, 0.0);

    Http.Response compared =
        http.get("/v1/batches/compare?projectId=" + PROJECT + "&a=" + steady + "&b=" + flaky);
    assertThat(compared.status()).as("%s", compared.body()).isEqualTo(200);
    assertThat(object(compared.object("a"), "statistics")).containsEntry("passRate", 1.0);
    assertThat(object(compared.object("b"), "statistics")).containsEntry("passRate", 0.5);
    Map<String, Object> difference = compared.object("difference");
    assertThat(number(difference, "estimate")).isEqualTo(-0.5);
    // [[5, 0], [2, 2]]: 2 failures expected among 9 runs, so Fisher's test; p = C(4,2)/C(9,2) = 1/6
    assertThat(difference)
        .containsEntry("test", "fisher-exact")
        .containsEntry("intervalMethod", "newcombe-hybrid-score");
    assertThat(number(difference, "pValue")).isCloseTo(1.0 / 6, within(1e-9));
    assertThat(number(object(difference, "interval"), "low")).isLessThan(-0.5);
    assertThat(number(object(difference, "interval"), "high")).isGreaterThan(-0.5);
    assertThat(compared.list("criteria"))
        .singleElement()
        .satisfies(
            criterion -> {
              assertThat(criterion)
                  .containsEntry("type", "contains")
                  .containsEntry("params", Map.of("value", "confirmed"));
              assertThat(object(criterion, "a"))
                  .containsEntry("passes", 5)
                  .containsEntry("judged", 5);
              assertThat(object(criterion, "b"))
                  .containsEntry("passes", 2)
                  .containsEntry("judged", 4);
              assertThat(object(criterion, "difference")).containsEntry("test", "fisher-exact");
            });
    assertThat(compared.list("differingRuns"))
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(object(run, "a")).containsEntry("verdict", "SUCCESS");
              assertThat(object(run, "b")).containsEntry("verdict", "FAILED");
            });

    Http.Response flakiness =
        http.get("/v1/scenarios/" + scenarioId + "/flakiness?projectId=" + PROJECT);
    assertThat(flakiness.status()).as("%s", flakiness.body()).isEqualTo(200);
    assertThat(flakiness.body()).containsEntry("flaky", true);
    assertThat(flakiness.list("revisions")).hasSize(2);
    Map<String, Object> shaky =
        flakiness.list("revisions").stream()
            .filter(revision -> flakyAgent.equals(revision.get("agentId")))
            .findFirst()
            .orElseThrow();
    assertThat(shaky)
        .containsEntry("revision", 1)
        .containsEntry("judgedRuns", 4)
        .containsEntry("passes", 2)
        .containsEntry("flaky", true);
    // 2 passes of 4: of the 6 pairs of runs, 2 × 2 disagree
    assertThat(number(shaky, "disagreementRate")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(flakiness.list("revisions"))
        .filteredOn(revision -> steadyAgent.equals(revision.get("agentId")))
        .singleElement()
        .satisfies(
            revision ->
                assertThat(revision)
                    .containsEntry("flaky", false)
                    .containsEntry("disagreementRate", 0.0));
  }

  @Test
  void badComparisonsAreRefusedNamingTheField() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of("script", List.of("Hello."), "maxTurns", 1));
    String batch = run(scenarioId, agentId, modelId, 1);
    String compare = "/v1/batches/compare?projectId=" + PROJECT;

    Http.Response same = http.get(compare + "&a=" + batch + "&b=" + batch);
    assertThat(same.status()).isEqualTo(400);
    assertThat(same.contentType()).startsWith("application/problem+json");
    assertThat(same.body()).containsEntry("field", "b");
    assertThat(http.get(compare + "&a=" + batch).body())
        .containsEntry("field", "b")
        .containsEntry("code", "REQUIRED");
    assertThat(http.get(compare + "&a=nope&b=" + batch).body())
        .containsEntry("field", "a")
        .containsEntry("code", "INVALID_TYPE");
    assertThat(
            http.get(compare + "&a=" + batch + "&b=00000000-0000-4000-8000-00000000dead").status())
        .isEqualTo(404);
    assertThat(
            http.get(
                    "/v1/batches/compare?projectId=other&a="
                        + batch
                        + "&b=00000000-0000-4000-8000-00000000dead")
                .status())
        .isEqualTo(404);
    assertThat(http.get("/v1/scenarios/" + scenarioId + "/flakiness?projectId=other").status())
        .isEqualTo(404);
  }

  private String run(String scenarioId, String agentId, String modelId, int runs) {
    Http.Response created =
        http.post(
            "/v1/batches?projectId=" + PROJECT,
            Map.of(
                "scenarioId",
                scenarioId,
                "agentId",
                agentId,
                "modelId",
                modelId,
                "runs",
                runs,
                "concurrency",
                1));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    String id = (String) created.body().get("id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                "completed"
                    .equals(
                        http.get("/v1/batches/" + id + "?projectId=" + PROJECT)
                            .body()
                            .get("status")));
    return id;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> map, String key) {
    return (Map<String, Object>) map.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
    return (List<Map<String, Object>>) map.get(key);
  }

  private static double number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).doubleValue();
  }
}
