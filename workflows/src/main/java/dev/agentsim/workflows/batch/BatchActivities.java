package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

@ActivityInterface
public interface BatchActivities {

  /** Records the batch as running; idempotent. */
  @ActivityMethod
  void batchStarted(String batchId);

  /**
   * Records what the batch's live control has changed: its runs, window and pause, also in the
   * workflow input kept for a restart.
   */
  @ActivityMethod
  void batchControlled(String batchId, int runs, int concurrency, boolean paused);

  /** Records the batch's final status. */
  @ActivityMethod
  void batchFinished(String batchId, BatchStatus status, StopReason stopReason);

  /**
   * Delivers a run's outcome to its batch by signal. An activity rather than a workflow signal, so
   * that the delivery is retried while the batch is between two continue-as-new executions.
   */
  @ActivityMethod
  void reportRun(String batchWorkflowId, RunOutcome outcome);

  /**
   * The outcomes of those of the batch's runs whose workflows have ended, or never started, as
   * their records say. A run whose workflow ended without recording its own end (terminated, timed
   * out, failed) is recorded first, as an {@code ERROR} that names what happened to it. Runs still
   * running are left out: they report when they end.
   */
  @ActivityMethod
  List<RunOutcome> settleRuns(String batchId, int maxTurns, List<Integer> sequences);
}
