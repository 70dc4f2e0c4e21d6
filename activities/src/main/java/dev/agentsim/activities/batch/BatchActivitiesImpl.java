package dev.agentsim.activities.batch;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.webhook.WebhookDispatch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.batch.BatchActivities;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The batch's record, the delivery of run outcomes to the batch workflow, and the settling of runs
 * that ended without a word. A signal that fails (the batch is between two executions of a
 * continue-as-new, say) is rethrown, so Temporal retries the delivery; a batch that has ended takes
 * it as delivered; the batch ignores duplicates. A batch's end is announced to its project's
 * webhooks.
 */
@Component("batchActivities")
public class BatchActivitiesImpl implements BatchActivities {

  /** The batch workflow's signal method, {@link BatchWorkflow#runFinished}. */
  static final String RUN_FINISHED = "runFinished";

  private final BatchRepository batches;
  private final RunRepository runs;
  private final WorkflowClient workflowClient;
  private final WebhookDispatch webhooks;

  public BatchActivitiesImpl(
      BatchRepository batches,
      RunRepository runs,
      WorkflowClient workflowClient,
      WebhookDispatch webhooks) {
    this.batches = batches;
    this.runs = runs;
    this.workflowClient = workflowClient;
    this.webhooks = webhooks;
  }

  @Override
  public void batchStarted(String batchId) {
    batches.markRunning(Failures.uuid(batchId, "batch"));
  }

  @Override
  public void batchControlled(String batchId, int runs, int concurrency, boolean paused) {
    batches.recordControl(Failures.uuid(batchId, "batch"), runs, concurrency, paused);
  }

  @Override
  public void batchFinished(String batchId, BatchStatus status, StopReason stopReason) {
    UUID id = Failures.uuid(batchId, "batch");
    batches.finish(id, status, stopReason);
    webhooks.batchEnded(id);
  }

  @Override
  public void reportRun(String batchWorkflowId, RunOutcome outcome) {
    try {
      // Untyped and without a run id: the signal reaches the batch's current execution.
      workflowClient.newUntypedWorkflowStub(batchWorkflowId).signal(RUN_FINISHED, outcome);
    } catch (WorkflowNotFoundException e) {
      if (!endedForGood(batchWorkflowId)) {
        throw e; // between two executions of a continue-as-new: retried
      }
      // The batch has ended (stopped, say) or is gone: nothing will ever wait for this report.
    }
  }

  private boolean endedForGood(String workflowId) {
    return !WorkflowFates.running(WorkflowFates.statusOf(workflowClient, workflowId));
  }

  @Override
  public List<RunOutcome> settleRuns(String batchId, int maxTurns, List<Integer> sequences) {
    Failures.uuid(batchId, "batch"); // an id that is no UUID fails for good, not once per run
    List<RunOutcome> settled = new ArrayList<>();
    for (int sequence : sequences) {
      WorkflowExecutionStatus status =
          WorkflowFates.statusOf(workflowClient, BatchWorkflow.runWorkflowId(batchId, sequence));
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        settled.add(WorkflowFates.settle(runs, batchId, sequence, maxTurns, status).outcome());
      }
    }
    return settled;
  }
}
