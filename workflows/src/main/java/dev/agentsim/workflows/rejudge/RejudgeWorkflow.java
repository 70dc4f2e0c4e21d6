package dev.agentsim.workflows.rejudge;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Judges the stored transcripts of a finished batch again, as a new evaluation of its runs, without
 * running any conversation again.
 */
@WorkflowInterface
public interface RejudgeWorkflow {

  static String workflowId(String batchId, int evaluation) {
    return "rejudge-" + batchId + "-" + evaluation;
  }

  @WorkflowMethod
  void run(RejudgeInput input);
}
