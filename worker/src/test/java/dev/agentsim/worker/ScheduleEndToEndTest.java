package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.api.schedule.ScheduleActivitiesImpl;
import dev.agentsim.workflows.schedule.ScheduleActivities.ScheduledBatch;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Schedules through the native API on the embedded default, whose in-process Temporal has no
 * Temporal Schedules: each schedule is a cron (or looping) workflow of the schedule's id. The
 * batches come from the schedule's activity, called here as Temporal calls it at the cron times
 * (those times are checked under time skipping in the workflows module), and a project's retention.
 */
class ScheduleEndToEndTest extends EmbeddedAppTest {

  @Autowired ScheduleActivitiesImpl scheduleActivities;

  @Autowired WorkflowClient temporal;

  @Test
  void aScheduleIsCreatedListedPausedResumedAndDeleted() {
    Map<String, Object> batch = batch();
    Http.Response created =
        http.post(
            "/v1/schedules?projectId=" + PROJECT, Map.of("cron", "0 6 * * 1-5", "batch", batch));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    String id = (String) created.body().get("id");
    assertThat(created.location()).endsWith("/v1/schedules/" + id + "?projectId=" + PROJECT);
    assertThat(created.body())
        .containsEntry("cron", "0 6 * * 1-5")
        .containsEntry("paused", false)
        .containsEntry("name", "nightly")
        .containsEntry("temporalScheduleId", "agentsim-schedule-" + id)
        .doesNotContainKey("intervalSeconds");
    assertThat(created.body().get("batch")).isEqualTo(batch);
    assertThat(workflowStatus(id))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    assertThat(http.get("/v1/schedules/" + id + "?projectId=" + PROJECT).body())
        .isEqualTo(created.body());
    assertThat(ids(http.get("/v1/schedules?projectId=" + PROJECT).body())).contains(id);
    assertThat(http.get("/v1/schedules/" + id + "?projectId=other").status()).isEqualTo(404);
    assertThat(ids(http.get("/v1/schedules?projectId=other").body())).doesNotContain(id);

    Http.Response paused =
        http.post("/v1/schedules/" + id + ":pause?projectId=" + PROJECT, Map.of());
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.body()).containsEntry("paused", true);
    assertThat(scheduleActivities.startBatch(id))
        .isEqualTo(new ScheduledBatch(null, "The schedule is paused"));

    Http.Response resumed =
        http.post("/v1/schedules/" + id + ":resume?projectId=" + PROJECT, Map.of());
    assertThat(resumed.body()).containsEntry("paused", false);
    ScheduledBatch started = scheduleActivities.startBatch(id);
    assertThat(started.batchId()).isNotNull();
    Map<String, Object> scheduled =
        http.get("/v1/batches/" + started.batchId() + "?projectId=" + PROJECT).body();
    assertThat(scheduled).containsEntry("name", "nightly").containsEntry("runs", 1);
    assertThat(scheduled.get("labels")).isEqualTo(Map.of("branch", "main", "schedule", id));
    assertThat(ids(http.get("/v1/batches?projectId=" + PROJECT + "&label=schedule:" + id).body()))
        .containsExactly(started.batchId());

    assertThat(http.delete("/v1/schedules/" + id + "?projectId=other").status()).isEqualTo(404);
    assertThat(http.delete("/v1/schedules/" + id + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
    assertThat(http.get("/v1/schedules/" + id + "?projectId=" + PROJECT).status()).isEqualTo(404);
    assertThat(http.delete("/v1/schedules/" + id + "?projectId=" + PROJECT).status())
        .isEqualTo(404);
    assertThat(workflowStatus(id))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(scheduleActivities.startBatch(id))
        .isEqualTo(new ScheduledBatch(null, "The schedule was deleted"));
    assertThat(http.get("/v1/batches/" + started.batchId() + "?projectId=" + PROJECT).status())
        .isEqualTo(200);
  }

  @Test
  void anIntervalScheduleMayStartPaused() {
    Http.Response created =
        http.post(
            "/v1/schedules?projectId=" + PROJECT,
            Map.of(
                "name", "hourly check", "intervalSeconds", 3600, "paused", true, "batch", batch()));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    assertThat(created.body())
        .containsEntry("intervalSeconds", 3600)
        .containsEntry("paused", true)
        .containsEntry("name", "hourly check")
        .doesNotContainKey("cron");
    String id = (String) created.body().get("id");
    assertThat(workflowStatus(id))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(scheduleActivities.startBatch(id).batchId()).isNull();
    assertThat(http.delete("/v1/schedules/" + id + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
  }

  @Test
  void badSchedulesAreRefusedNamingTheField() {
    Map<String, Object> batch = batch();
    assertRefused(Map.of("cron", "0 6 * * *"), "batch", "REQUIRED");
    assertRefused(Map.of("batch", batch), "cron", "INVALID_VALUE");
    assertRefused(
        Map.of("cron", "0 6 * * *", "intervalSeconds", 600, "batch", batch),
        "cron",
        "INVALID_VALUE");
    assertRefused(Map.of("cron", "61 6 * * *", "batch", batch), "cron", "INVALID_VALUE");
    assertRefused(Map.of("cron", "every morning", "batch", batch), "cron", "INVALID_VALUE");
    assertRefused(Map.of("intervalSeconds", 10, "batch", batch), "intervalSeconds", "OUT_OF_RANGE");
    assertRefused(
        Map.of("cron", "0 6 * * *", "name", " ", "batch", batch), "name", "INVALID_VALUE");
    assertRefused(
        Map.of("cron", "0 6 * * *", "every", "day", "batch", batch), "every", "UNKNOWN_FIELD");
    assertRefused(
        Map.of("cron", "0 6 * * *", "batch", with(batch, "scenarioId", null)),
        "batch.scenarioId",
        "REQUIRED");
    assertRefused(
        Map.of("cron", "0 6 * * *", "batch", with(batch, "runs", 0)), "batch.runs", "OUT_OF_RANGE");
    assertRefused(
        Map.of("cron", "0 6 * * *", "batch", with(batch, "runz", 2)),
        "batch.runz",
        "UNKNOWN_FIELD");
    assertRefused(
        Map.of(
            "cron",
            "0 6 * * *",
            "batch",
            with(batch, "scenarioId", "00000000-0000-4000-8000-0000000000ff")),
        "batch.scenarioId",
        "NOT_FOUND");
    assertThat(
            http.post(
                    "/v1/schedules/00000000-0000-4000-8000-0000000000ff:pause?projectId=" + PROJECT,
                    Map.of())
                .status())
        .isEqualTo(404);
  }

  @Test
  void aProjectsRetentionSetsItsRunsExpiry() {
    Http.Response defaults = http.get("/v1/settings?projectId=retention-default");
    assertThat(defaults.body())
        .isEqualTo(Map.of("projectId", "retention-default", "retentionDays", 30));

    assertThat(http.put("/v1/settings?projectId=" + PROJECT, Map.of("retentionDays", 7)).body())
        .containsEntry("retentionDays", 7);
    assertThat(http.get("/v1/settings?projectId=" + PROJECT).body())
        .containsEntry("retentionDays", 7);

    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    Http.Response scheduled = schedule(scenarioId, scheduleBody(agentId, modelId, 1, Map.of()));
    String batchId = (String) scheduled.body().get("id");
    awaitBatch(scenarioId, batchId, "completed");
    Map<String, Object> run = firstRun(scenarioId, batchId);
    Instant created = Instant.ofEpochMilli(((Number) run.get("createdAt")).longValue());
    assertThat(Instant.parse((String) run.get("expiresAt")).truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(created.plus(Duration.ofDays(7)));

    http.put("/v1/settings?projectId=" + PROJECT, Map.of("retentionDays", 30));
    assertThat(
            Instant.parse((String) firstRun(scenarioId, batchId).get("expiresAt"))
                .truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(created.plus(Duration.ofDays(30)));

    Http.Response zero = http.put("/v1/settings?projectId=" + PROJECT, Map.of("retentionDays", 0));
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.body()).containsEntry("field", "retentionDays");
    assertThat(http.put("/v1/settings?projectId=" + PROJECT, Map.of()).body())
        .containsEntry("field", "retentionDays");
    assertThat(
            http.put("/v1/settings?projectId=" + PROJECT, Map.of("retentionDays", 5, "days", 5))
                .body())
        .containsEntry("field", "days");
    assertThat(http.get("/v1/settings?projectId=" + PROJECT).body())
        .containsEntry("retentionDays", 30);
  }

  private Map<String, Object> batch() {
    return Map.of(
        "scenarioId",
        createScenario(Map.of()),
        "agentId",
        createAgent("/agent"),
        "modelId",
        createModel(),
        "name",
        "nightly",
        "labels",
        Map.of("branch", "main"));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> firstRun(String scenarioId, String batchId) {
    Map<String, Object> page =
        http.get(
                "/simulations/" + scenarioId + "/batches/" + batchId + "/runs?projectId=" + PROJECT)
            .body();
    return ((List<Map<String, Object>>) page.get("data")).get(0);
  }

  private void assertRefused(Map<String, Object> body, String field, String code) {
    Http.Response refused = http.post("/v1/schedules?projectId=" + PROJECT, body);
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body()).containsEntry("field", field).containsEntry("code", code);
  }

  private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
    Map<String, Object> copy = new HashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(Map<String, Object> page) {
    return ((List<Map<String, Object>>) page.get("data"))
        .stream().map(item -> (String) item.get("id")).toList();
  }

  private WorkflowExecutionStatus workflowStatus(String scheduleId) {
    String workflowId = "agentsim-schedule-" + scheduleId;
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                temporal
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest
                            .newBuilder()
                            .setNamespace(temporal.getOptions().getNamespace())
                            .setExecution(
                                io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                    .setWorkflowId(workflowId))
                            .build())
                    .getWorkflowExecutionInfo()
                    .getStatus(),
            status -> status != null);
  }
}
