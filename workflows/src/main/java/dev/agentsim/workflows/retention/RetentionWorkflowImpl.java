package dev.agentsim.workflows.retention;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class RetentionWorkflowImpl implements RetentionWorkflow {

  /**
   * A cleanup may take long when much has expired; its heartbeats show it alive. A retry starts
   * over, which finds only what is left; tomorrow's cleanup takes whatever this one could not.
   */
  private final RetentionActivities activities =
      Workflow.newActivityStub(
          RetentionActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(6))
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  @Override
  public RetentionReport clean() {
    return activities.deleteExpired();
  }
}
