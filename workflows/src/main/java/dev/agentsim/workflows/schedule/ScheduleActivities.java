package dev.agentsim.workflows.schedule;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface ScheduleActivities {

  /** Starts the schedule's batch, unless the schedule is paused or gone. */
  ScheduledBatch startBatch(String scheduleId);

  /**
   * @param batchId the batch started; null when none was
   * @param skipped why none was: the schedule is paused or deleted, or its batch cannot start
   */
  record ScheduledBatch(String batchId, String skipped) {}
}
