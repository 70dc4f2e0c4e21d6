package dev.agentsim.activities.batch;

import dev.agentsim.activities.Failures;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.batch.BatchActivities;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.client.WorkflowClient;
import org.springframework.stereotype.Component;

/**
 * The batch's record, and the delivery of run outcomes to the batch workflow. A signal that
 * fails (the batch is between two executions of a continue-as-new, say) is rethrown, so
 * Temporal retries the delivery; the batch ignores duplicates.
 */
@Component("batchActivities")
public class BatchActivitiesImpl implements BatchActivities {

  /** The batch workflow's signal method, {@link BatchWorkflow#runFinished}. */
  static final String RUN_FINISHED = "runFinished";

  private final BatchRepository batches;
  private final WorkflowClient workflowClient;

  public BatchActivitiesImpl(BatchRepository batches, WorkflowClient workflowClient) {
    this.batches = batches;
    this.workflowClient = workflowClient;
  }

  @Override
  public void batchStarted(String batchId) {
    batches.markRunning(Failures.uuid(batchId, "batch"));
  }

  @Override
  public void batchFinished(String batchId, BatchStatus status, StopReason stopReason) {
    batches.finish(Failures.uuid(batchId, "batch"), status, stopReason);
  }

  @Override
  public void reportRun(String batchWorkflowId, RunOutcome outcome) {
    // Untyped and without a run id: the signal reaches the batch's current execution.
    workflowClient.newUntypedWorkflowStub(batchWorkflowId).signal(RUN_FINISHED, outcome);
  }
}
