package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.sweep.SweepInput;
import dev.agentsim.workflows.sweep.SweepReport;
import dev.agentsim.workflows.sweep.SweepWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The service keeps its sweep running, and a sweep ends a batch whose workflow was terminated in
 * Temporal.
 */
class SweepEndToEndTest extends EmbeddedAppTest {

  @Autowired WorkflowClient temporal;

  @Test
  void theSweepRunsOnACronOfTheInProcessServer() {
    assertThat(temporal.newUntypedWorkflowStub(SweepWorkflow.ID).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(
            temporal
                .fetchHistory(SweepWorkflow.ID)
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getCronSchedule())
        .isEqualTo("*/5 * * * *");
  }

  @Test
  void aBatchTerminatedInTemporalIsEndedByTheSweepAndItsRunsStop() {
    String agent = createAgent("/slow-agent");
    String model = createModel();
    String scenario = createScenario(Map.of("maxTurns", 20));
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, model, 2, Map.of("concurrency", 2)))
                .body()
                .get("id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ((Number) nativeBatch(batch).get("runningRuns")).intValue() == 2);
    temporal
        .newUntypedWorkflowStub(BatchWorkflow.workflowId(batch))
        .terminate("terminated from the Temporal UI");

    SweepReport report =
        temporal
            .newWorkflowStub(
                SweepWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.SIMULATION)
                    .setWorkflowId("sweep-now")
                    .build())
            .sweep(new SweepInput(0));

    assertThat(report.batchesEnded()).isEqualTo(1);
    assertThat(report.runsStopped()).isEqualTo(2);
    Map<String, Object> ended = nativeBatch(batch);
    assertThat(ended).containsEntry("status", "failed").containsEntry("stopReason", "ERROR");
    assertThat((String) ended.get("stopDetail")).contains("ended as terminated");
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(nativeBatch(batch))
                    .containsEntry("runningRuns", 0)
                    .containsEntry("stoppedRuns", 2));
    List<Map<String, Object>> runs =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data");
    assertThat(runs)
        .hasSize(2)
        .allSatisfy(run -> assertThat((List<?>) run.get("turns")).isNotEmpty());
  }

  private Map<String, Object> nativeBatch(String batch) {
    return http.get("/v1/batches/" + batch + "?projectId=" + PROJECT).body();
  }
}
