package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** N runs of one scenario against one agent, at most {@code concurrency} at a time. */
@WorkflowInterface
public interface BatchWorkflow {

  static String workflowId(String batchId) {
    return "batch-" + batchId;
  }

  static String runWorkflowId(String batchId, int sequence) {
    return "batch-" + batchId + "-run-" + sequence;
  }

  /** Run ids are derived, so the batch can hand them out deterministically and idempotently. */
  static String runId(String batchId, int sequence) {
    return UUID.nameUUIDFromBytes((batchId + "/" + sequence).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  @WorkflowMethod
  BatchStatus run(BatchInput input);

  /**
   * Stops the batch: in-flight runs are cancelled and keep their partial transcripts. Kept for
   * batches started before {@link #stopBatch}; it cannot tell whether the stop was taken.
   */
  @SignalMethod
  void cancel(String reason);

  /**
   * Stops the batch as {@link #cancel} does, and answers once the stop is taken; the batch reads
   * {@code stopped} once its runs have recorded their partial transcripts.
   */
  @UpdateMethod
  void stopBatch(String reason);

  /** A batch that has finished, or is stopping already, refuses to be stopped. */
  @UpdateValidatorMethod(updateName = "stopBatch")
  void validateStopBatch(String reason);

  /**
   * The control updates below are refused with a {@link ControlRefusal} when the batch has
   * finished, is stopping or has reached its precision, or when the value asked for cannot be.
   *
   * <p>Sets how many runs the batch starts in all (with adaptive sampling, the most it may start):
   * more runs, or fewer, down to those started already.
   */
  @UpdateMethod
  void raiseRuns(int runs);

  @UpdateValidatorMethod(updateName = "raiseRuns")
  void validateRaiseRuns(int runs);

  /**
   * Sets how many runs may be in flight at once. A narrower window starts no run until fewer are in
   * flight; runs in flight are not cancelled.
   */
  @UpdateMethod
  void changeConcurrency(int concurrency);

  @UpdateValidatorMethod(updateName = "changeConcurrency")
  void validateChangeConcurrency(int concurrency);

  /**
   * No new run starts until {@link #resumeRuns}; runs in flight finish. Pausing a paused batch
   * changes nothing.
   */
  @UpdateMethod
  void pauseRuns();

  @UpdateValidatorMethod(updateName = "pauseRuns")
  void validatePauseRuns();

  /** Starts runs again after {@link #pauseRuns}. Resuming a batch not paused changes nothing. */
  @UpdateMethod
  void resumeRuns();

  @UpdateValidatorMethod(updateName = "resumeRuns")
  void validateResumeRuns();

  /** A run reports its outcome; duplicates are ignored. */
  @SignalMethod
  void runFinished(RunOutcome outcome);

  @QueryMethod
  BatchProgress progress();
}
