package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface BatchActivities {

  /** Records the batch as running; idempotent. */
  @ActivityMethod
  void batchStarted(String batchId);

  /** Records the batch's final status. */
  @ActivityMethod
  void batchFinished(String batchId, BatchStatus status, StopReason stopReason);

  /**
   * Delivers a run's outcome to its batch by signal. An activity rather than a workflow signal,
   * so that the delivery is retried while the batch is between two continue-as-new executions.
   */
  @ActivityMethod
  void reportRun(String batchWorkflowId, RunOutcome outcome);
}
