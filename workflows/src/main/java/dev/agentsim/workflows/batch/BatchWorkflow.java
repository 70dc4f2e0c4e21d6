package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** N runs of one scenario against one agent, at most {@code concurrency} at a time. */
@WorkflowInterface
public interface BatchWorkflow {

  static String workflowId(String batchId) {
    return "batch-" + batchId;
  }

  static String runWorkflowId(String batchId, int sequence) {
    return "batch-" + batchId + "-run-" + sequence;
  }

  @WorkflowMethod
  BatchStatus run(BatchInput input);

  /** Stops the batch: in-flight runs are cancelled and keep their partial transcripts. */
  @SignalMethod
  void cancel(String reason);

  /** A run reports its outcome; duplicates are ignored. */
  @SignalMethod
  void runFinished(RunOutcome outcome);

  @QueryMethod
  BatchProgress progress();
}
