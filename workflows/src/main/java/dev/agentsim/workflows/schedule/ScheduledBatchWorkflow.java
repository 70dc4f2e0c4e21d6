package dev.agentsim.workflows.schedule;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Starts one batch of a schedule, each time the schedule's Temporal Schedule fires; on a server
 * without schedules, as a cron workflow, or as a loop that waits out the schedule's interval.
 */
@WorkflowInterface
public interface ScheduledBatchWorkflow {

  /**
   * The id of the schedule's Temporal Schedule, and of its workflow on a server without schedules.
   */
  static String workflowId(String scheduleId) {
    return "agentsim-schedule-" + scheduleId;
  }

  @WorkflowMethod
  void start(ScheduledBatchInput input);
}
