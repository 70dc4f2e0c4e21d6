package dev.agentsim.workflows.schedule;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

public class ScheduledBatchWorkflowImpl implements ScheduledBatchWorkflow {

  private static final Logger log = Workflow.getLogger(ScheduledBatchWorkflowImpl.class);

  private final ScheduleActivities activities =
      Workflow.newActivityStub(
          ScheduleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  @Override
  public void start(ScheduledBatchInput input) {
    if (input.intervalSeconds() == 0) {
      activities.startBatch(input.scheduleId());
      return;
    }
    Workflow.sleep(Duration.ofSeconds(input.intervalSeconds()));
    try {
      activities.startBatch(input.scheduleId());
    } catch (ActivityFailure e) {
      // One batch that could not start does not end the schedule, as a Temporal Schedule goes on
      // too.
      log.warn("Schedule {} started no batch this time", input.scheduleId(), e);
    }
    Workflow.continueAsNew(input);
  }
}
