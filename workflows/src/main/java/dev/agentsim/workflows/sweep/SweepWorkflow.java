package dev.agentsim.workflows.sweep;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Brings the database in line with Temporal where the two disagree: a batch or rejudge the database
 * says is under way while Temporal says its workflow has ended or is unknown. Started every few
 * minutes by a Temporal Schedule (a cron workflow on a server without schedules).
 */
@WorkflowInterface
public interface SweepWorkflow {

  /** The schedule's id and, on a server without schedules, the cron workflow's. */
  String ID = "agentsim-sweep";

  @WorkflowMethod
  SweepReport sweep(SweepInput input);
}
