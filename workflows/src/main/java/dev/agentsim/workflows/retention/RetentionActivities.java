package dev.agentsim.workflows.retention;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface RetentionActivities {

  /**
   * Deletes everything past its project's retention, a chunk at a time, heartbeating after each.
   */
  RetentionReport deleteExpired();
}
