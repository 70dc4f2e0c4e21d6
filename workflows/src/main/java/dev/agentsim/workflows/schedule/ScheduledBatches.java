package dev.agentsim.workflows.schedule;

import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.util.List;

/**
 * The Temporal side of a schedule of batches: a Temporal Schedule whose action is a {@link
 * ScheduledBatchWorkflow}; on a server without schedules, that workflow as a cron workflow, or for
 * an interval as a loop that sleeps it.
 */
public final class ScheduledBatches {

  private final TemporalSchedules temporal;

  public ScheduledBatches(WorkflowClient client) {
    this.temporal = new TemporalSchedules(client);
  }

  /**
   * Creates what starts the schedule's batches, unless it exists.
   *
   * @param cron five fields, UTC; null for an interval
   * @param intervalSeconds used when {@code cron} is null
   */
  public void create(String scheduleId, String cron, Long intervalSeconds, boolean paused) {
    String id = ScheduledBatchWorkflow.workflowId(scheduleId);
    ScheduleSpec spec =
        cron != null
            ? ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).build()
            : ScheduleSpec.newBuilder()
                .setIntervals(
                    List.of(new ScheduleIntervalSpec(Duration.ofSeconds(intervalSeconds))))
                .build();
    ScheduledBatchInput once = new ScheduledBatchInput(scheduleId, 0);
    if (!temporal.schedule(id, spec, paused, ScheduledBatchWorkflow.class, once)) {
      if (cron != null) {
        temporal.startWorkflow(id, cron, ScheduledBatchWorkflow.class, once);
      } else {
        temporal.startWorkflow(
            id,
            null,
            ScheduledBatchWorkflow.class,
            new ScheduledBatchInput(scheduleId, intervalSeconds));
      }
    }
  }

  /**
   * Without Temporal Schedules the workflow goes on, and its activity starts no batch while the
   * schedule is paused.
   */
  public void pause(String scheduleId, boolean paused) {
    temporal.pause(ScheduledBatchWorkflow.workflowId(scheduleId), paused);
  }

  public void delete(String scheduleId) {
    temporal.delete(ScheduledBatchWorkflow.workflowId(scheduleId));
  }
}
