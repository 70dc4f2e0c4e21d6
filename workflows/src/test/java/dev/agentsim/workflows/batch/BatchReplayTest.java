package dev.agentsim.workflows.batch;

import static dev.agentsim.workflows.SimulationTesting.batch;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.run.ConversationWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Determinism: histories the batch workflow writes today replay against today's code (the recorded
 * ones replay in ReplaySetTest; guard incompatible changes with {@code Workflow.getVersion}).
 *
 * <p>To record the current code's histories after a deliberate, versioned change, beside the older
 * ones: {@code ./mvnw -pl workflows test -Dtest=BatchReplayTest -DrecordHistories=<suffix>} writes
 * {@code batch-3-runs-<suffix>.json} and {@code batch-cancelled-<suffix>.json}.
 */
@Timeout(60)
class BatchReplayTest extends WorkflowTestSupport {

  @Test
  void completedBatchAndItsRunsReplay() throws Exception {
    BatchInput input = runSmallBatch();

    WorkflowExecutionHistory batchHistory =
        client.fetchHistory(BatchWorkflow.workflowId(input.batchId()));
    assertThat(batchHistory.getEvents())
        .extracting(event -> event.getEventType())
        .contains(
            EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    WorkflowReplayer.replayWorkflowExecution(batchHistory, BatchWorkflowImpl.class);

    for (int sequence = 0; sequence < 3; sequence++) {
      WorkflowExecutionHistory runHistory =
          client.fetchHistory(BatchWorkflow.runWorkflowId(input.batchId(), sequence));
      WorkflowReplayer.replayWorkflowExecution(runHistory, ConversationWorkflowImpl.class);
    }
  }

  @Test
  void cancelledBatchAndItsStoppedRunsReplay() throws Exception {
    BatchInput input = runCancelledBatch();

    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(BatchWorkflow.workflowId(input.batchId())), BatchWorkflowImpl.class);
    for (int sequence = 0; sequence < 2; sequence++) {
      WorkflowReplayer.replayWorkflowExecution(
          client.fetchHistory(BatchWorkflow.runWorkflowId(input.batchId(), sequence)),
          ConversationWorkflowImpl.class);
    }
  }

  /** Not a test: records the current code's histories, on demand only. */
  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "[\\w.-]+")
  void recordHistories() throws Exception {
    String suffix = System.getProperty("recordHistories");
    BatchInput completed = runSmallBatch();
    save(
        "histories/batch-3-runs-" + suffix + ".json",
        client.fetchHistory(BatchWorkflow.workflowId(completed.batchId())));
    BatchInput cancelled = runCancelledBatch();
    save(
        "histories/batch-cancelled-" + suffix + ".json",
        client.fetchHistory(BatchWorkflow.workflowId(cancelled.batchId())));
  }

  private BatchInput runSmallBatch() throws Exception {
    fakes.judge(conclusion -> conclusion.run().sequence() == 1 ? Verdict.FAILED : Verdict.SUCCESS);
    BatchInput input = batch(3, 2, false, 3_600, runSettings(2));
    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status =
        WorkflowStub.fromTyped(batch).getResult(30, TimeUnit.SECONDS, BatchStatus.class);
    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    return input;
  }

  private BatchInput runCancelledBatch() throws Exception {
    fakes.agent(fakes::hang);
    BatchInput input = batch(3, 2, true, 0, runSettings(2));
    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("two runs in flight", () -> fakes.hanging() == 2);
    batch.cancel("user");
    BatchStatus status =
        WorkflowStub.fromTyped(batch).getResult(30, TimeUnit.SECONDS, BatchStatus.class);
    assertThat(status).isEqualTo(BatchStatus.STOPPED);
    return input;
  }

  private static void save(String resource, WorkflowExecutionHistory history) throws Exception {
    Path file = Path.of("src/test/resources").resolve(resource);
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true), StandardCharsets.UTF_8);
    System.out.println(
        "Recorded " + history.getEvents().size() + " events to " + file.toAbsolutePath());
  }
}
