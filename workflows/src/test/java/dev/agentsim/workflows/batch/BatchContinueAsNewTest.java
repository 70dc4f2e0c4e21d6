package dev.agentsim.workflows.batch;

import static dev.agentsim.workflows.FakeActivities.sequences;
import static dev.agentsim.workflows.SimulationTesting.batch;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.FakeActivities.Finished;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch far longer than one workflow history can hold: it must continue-as-new, carrying its
 * counters and in-flight runs, and still account for every run exactly once.
 */
class BatchContinueAsNewTest extends WorkflowTestSupport {

  private static final int RUNS = 3_000;
  private static final int CONCURRENCY = 50;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void threeThousandRunsAcrossContinueAsNew() throws Exception {
    BatchInput input = batch(RUNS, CONCURRENCY, false, 0, runSettings(1));

    long started = System.nanoTime();
    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    WorkflowStub stub = WorkflowStub.fromTyped(batch);
    String firstRunId = stub.getExecution().getRunId();
    BatchStatus status = stub.getResult(8, TimeUnit.MINUTES, BatchStatus.class);
    Duration wallTime = Duration.ofNanos(System.nanoTime() - started);

    List<String> executions = executionChain(BatchWorkflow.workflowId(input.batchId()), firstRunId);
    System.out.printf(
        "BatchContinueAsNewTest: %d runs, concurrency %d, maxTurns 1: %.1f s wall time,"
            + " %d batch executions (%d continue-as-new)%n",
        RUNS, CONCURRENCY, wallTime.toMillis() / 1000.0, executions.size(), executions.size() - 1);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(executions).as("executions of the batch workflow").hasSizeGreaterThan(1);
    assertThat(describe(input, firstRunId).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
    assertThat(describe(input, null).getExecution().getRunId())
        .isNotEqualTo(firstRunId)
        .isEqualTo(executions.get(executions.size() - 1));
    // What a person filtering the Web UI sees: "running" carried across executions, then
    // "completed".
    assertThat(
            describe(input, executions.get(1))
                .getTypedSearchAttributes()
                .get(SimulationSearchAttributes.STATUS))
        .isEqualTo("running");
    assertThat(
            describe(input, null).getTypedSearchAttributes().get(SimulationSearchAttributes.STATUS))
        .isEqualTo("completed");

    assertThat(fakes.startedRuns())
        .as("every run started exactly once")
        .hasSize(RUNS)
        .containsExactlyInAnyOrderElementsOf(sequences(0, RUNS));
    assertThat(fakes.reported())
        .extracting(RunOutcome::sequence)
        .as("every run reported exactly once")
        .hasSize(RUNS)
        .containsExactlyInAnyOrderElementsOf(sequences(0, RUNS));
    assertThat(fakes.maxConcurrentRuns()).isLessThanOrEqualTo(CONCURRENCY);
    assertThat(fakes.batchesStarted()).containsExactly(input.batchId());
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
    assertThat(batch.progress())
        .isEqualTo(
            new BatchProgress(BatchStatus.COMPLETED, RUNS, new RunCounts(RUNS, 0, 0, 0), 0, RUNS));
  }

  private WorkflowExecutionDescription describe(BatchInput input, String runId) {
    WorkflowExecution execution =
        WorkflowExecution.newBuilder()
            .setWorkflowId(BatchWorkflow.workflowId(input.batchId()))
            .setRunId(runId == null ? "" : runId)
            .build();
    return client.newUntypedWorkflowStub(execution, Optional.empty()).describe();
  }

  /** Run ids of the batch's executions, following each continue-as-new from the first. */
  private List<String> executionChain(String workflowId, String firstRunId) {
    List<String> runIds = new ArrayList<>();
    String runId = firstRunId;
    while (runId != null) {
      runIds.add(runId);
      WorkflowExecutionHistory history = client.fetchHistory(workflowId, runId);
      HistoryEvent last = history.getLastEvent();
      assertThat(history.getEvents())
          .as("events of execution %d", runIds.size())
          .hasSizeLessThan(20_000);
      runId =
          last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return runIds;
  }
}
