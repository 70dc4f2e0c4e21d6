package dev.agentsim.workflows.retention;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Deletes the results past their project's retention, once a day: started by a Temporal Schedule (a
 * cron workflow on a server without schedules).
 */
@WorkflowInterface
public interface RetentionWorkflow {

  /** The schedule's id and, on a server without schedules, the cron workflow's. */
  String ID = "agentsim-retention";

  /** Every day at 03:00 UTC. */
  String CRON = "0 3 * * *";

  @WorkflowMethod
  RetentionReport clean();
}
