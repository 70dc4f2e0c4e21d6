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
    return UUID.nameUUIDFromBytes((batchId + "/" + sequence).getBytes(StandardCharsets.UTF_8)).toString();
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

  /** A run reports its outcome; duplicates are ignored. */
  @SignalMethod
  void runFinished(RunOutcome outcome);

  @QueryMethod
  BatchProgress progress();
}
