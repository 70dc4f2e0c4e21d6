package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Adaptive sampling and live control of a batch through the native API. */
class BatchControlEndToEndTest extends EmbeddedAppTest {

  @Test
  void aBatchAskingForPrecisionStopsOnceItsPassRateIsThatPrecise() {
    Map<String, Object> valid =
        Map.of(
            "scenarioId",
            createScenario(Map.of()),
            "agentId",
            createAgent("/agent"),
            "modelId",
            createModel(),
            "concurrency",
            1);

    // Every run passes: the 95% Wilson half-width is 0.2004 after 5 judged runs, 0.1938 after 6.
    Http.Response created =
        create(with(valid, "until", Map.of("halfWidth", 0.2, "minRuns", 2, "maxRuns", 50)));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    assertThat(created.body()).as("the most runs, while it runs").containsEntry("runs", 50);
    Map<String, Object> done = await((String) created.body().get("id"));
    assertThat(done)
        .containsEntry("status", "completed")
        .containsEntry("stopReason", "PRECISION_REACHED")
        .containsEntry("runs", 6)
        .containsEntry("succeededRuns", 6)
        .containsEntry("runningRuns", 0);
  }

  @Test
  void badPrecisionIsRefusedNamingTheField() {
    Map<String, Object> valid =
        Map.of(
            "scenarioId",
            createScenario(Map.of()),
            "agentId",
            createAgent("/agent"),
            "modelId",
            createModel());

    assertRefused(
        create(with(valid, "until", Map.of("minRuns", 2, "maxRuns", 50))),
        "until.halfWidth",
        "REQUIRED");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0, "maxRuns", 50))),
        "until.halfWidth",
        "OUT_OF_RANGE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.6, "maxRuns", 50))),
        "until.halfWidth",
        "OUT_OF_RANGE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.1, "minRuns", 0, "maxRuns", 50))),
        "until.minRuns",
        "OUT_OF_RANGE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.1, "minRuns", 20, "maxRuns", 10))),
        "until.maxRuns",
        "OUT_OF_RANGE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.1, "maxRuns", 10_001))),
        "until.maxRuns",
        "OUT_OF_RANGE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.1))), "until.maxRuns", "REQUIRED");
    assertRefused(
        create(with(with(valid, "runs", 20), "until", Map.of("halfWidth", 0.1, "maxRuns", 50))),
        "runs",
        "INVALID_VALUE");
    assertRefused(
        create(with(valid, "until", Map.of("halfWidth", 0.1, "maxRuns", 50, "confidence", 0.99))),
        "until.confidence",
        "UNKNOWN_FIELD");
  }

  @Test
  void aRunningBatchIsRaisedWidenedPausedAndResumed() {
    String scenarioId = createScenario(Map.of("maxTurns", 1));
    String batchId =
        (String)
            create(
                    Map.of(
                        "scenarioId",
                        scenarioId,
                        "agentId",
                        createAgent("/slow-agent"),
                        "modelId",
                        createModel(),
                        "runs",
                        2,
                        "concurrency",
                        2))
                .body()
                .get("id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> batch(batchId).get("runningRuns").equals(2));

    assertRefused(control(batchId, "raise", Map.of("runs", 1)), "runs", "BELOW_STARTED");
    assertRefused(control(batchId, "raise", Map.of("runs", 0)), "runs", "OUT_OF_RANGE");
    assertRefused(control(batchId, "raise", Map.of("runz", 4)), "runz", "UNKNOWN_FIELD");
    assertRefused(
        control(batchId, "concurrency", Map.of("concurrency", 501)), "concurrency", "OUT_OF_RANGE");
    assertRefused(control(batchId, "concurrency", Map.of()), "concurrency", "REQUIRED");

    Http.Response paused = control(batchId, "pause", Map.of());
    assertThat(paused.status()).as("%s", paused.body()).isEqualTo(200);
    assertThat(paused.body()).containsEntry("paused", true);
    Http.Response raised = control(batchId, "raise", Map.of("runs", 5));
    assertThat(raised.status()).as("%s", raised.body()).isEqualTo(200);
    assertThat(raised.body()).containsEntry("runs", 5).containsEntry("paused", true);
    assertThat(control(batchId, "concurrency", Map.of("concurrency", 3)).status()).isEqualTo(200);

    // The slow agent never confirms an order: its runs are judged FAILED.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> batch(batchId).get("failedRuns").equals(2));
    assertThat(batch(batchId))
        .as("paused: the runs in flight finished, no other started")
        .containsEntry("status", "running")
        .containsEntry("runningRuns", 0);
    assertThat(runCount(batchId)).isEqualTo(2);

    Http.Response resumed = control(batchId, "resume", Map.of());
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.body()).containsEntry("paused", false);
    Map<String, Object> done = await(batchId);
    assertThat(done)
        .containsEntry("status", "completed")
        .containsEntry("runs", 5)
        .containsEntry("failedRuns", 5);
    assertThat(runCount(batchId)).isEqualTo(5);

    Http.Response finished = control(batchId, "pause", Map.of());
    assertThat(finished.status()).isEqualTo(409);
    assertThat(finished.contentType()).startsWith("application/problem+json");
    assertThat(finished.body()).containsEntry("code", "BATCH_FINISHED");
    assertThat(control("00000000-0000-4000-8000-00000000dead", "pause", Map.of()).status())
        .isEqualTo(404);
  }

  private Http.Response create(Map<String, Object> body) {
    return http.post("/v1/batches?projectId=" + PROJECT, body);
  }

  private Http.Response control(String batchId, String action, Map<String, Object> body) {
    return http.post("/v1/batches/" + batchId + "/runs:" + action + "?projectId=" + PROJECT, body);
  }

  private Map<String, Object> batch(String batchId) {
    return http.get("/v1/batches/" + batchId + "?projectId=" + PROJECT).body();
  }

  private int runCount(String batchId) {
    return http.get("/v1/batches/" + batchId + "/runs?projectId=" + PROJECT).list("data").size();
  }

  private Map<String, Object> await(String batchId) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !List.of("pending", "running").contains(batch(batchId).get("status")));
    return batch(batchId);
  }

  private static void assertRefused(Http.Response refused, String field, String code) {
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body()).containsEntry("field", field).containsEntry("code", code);
  }

  private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
    Map<String, Object> changed = new HashMap<>(body);
    changed.put(key, value);
    return changed;
  }
}
