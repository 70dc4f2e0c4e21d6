package dev.agentsim.activities.batch;

import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.workflows.batch.BatchWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Locale;
import java.util.UUID;

/**
 * What Temporal says became of a workflow, and the record of a run whose workflow ended without a
 * word.
 */
final class WorkflowFates {

  private WorkflowFates() {}

  /**
   * The workflow's status in Temporal; null for one Temporal does not know (never started, or
   * forgotten).
   */
  static WorkflowExecutionStatus statusOf(WorkflowClient client, String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).describe().getStatus();
    } catch (WorkflowNotFoundException unknown) {
      return null;
    }
  }

  static boolean running(WorkflowExecutionStatus status) {
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
  }

  /** "ended as terminated", say, for a status that is not running. */
  static String ended(WorkflowExecutionStatus status) {
    return "ended as "
        + status.name().substring("WORKFLOW_EXECUTION_STATUS_".length()).toLowerCase(Locale.ROOT);
  }

  /**
   * Records a run whose workflow is not running as an ERROR naming what became of the workflow,
   * recording the run first if it never was; a run already final stays as it is.
   */
  static Run settle(
      RunRepository runs,
      String batchId,
      int sequence,
      int maxTurns,
      WorkflowExecutionStatus status) {
    String workflowId = BatchWorkflow.runWorkflowId(batchId, sequence);
    String what = status == null ? "was never started" : ended(status);
    return runs.settle(
        UUID.fromString(BatchWorkflow.runId(batchId, sequence)),
        UUID.fromString(batchId),
        sequence,
        maxTurns,
        "The run's workflow "
            + what
            + " in Temporal ("
            + workflowId
            + ") without recording how the run ended");
  }
}
