package dev.agentsim.api.schedule;

import dev.agentsim.workflows.schedule.ScheduleActivities;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Starts a schedule's batch by the same path as {@code POST /v1/batches}. */
@Component("scheduleActivities")
public class ScheduleActivitiesImpl implements ScheduleActivities {

  private final Schedules schedules;

  ScheduleActivitiesImpl(Schedules schedules) {
    this.schedules = schedules;
  }

  @Override
  public ScheduledBatch startBatch(String scheduleId) {
    return schedules.startBatch(UUID.fromString(scheduleId));
  }
}
