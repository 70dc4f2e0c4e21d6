package dev.agentsim.workflows.sweep;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class SweepWorkflowImpl implements SweepWorkflow {

  /** A failed sweep is tried a few times; the next scheduled one picks up whatever is left. */
  private final SweepActivities activities =
      Workflow.newActivityStub(
          SweepActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  @Override
  public SweepReport sweep(SweepInput input) {
    return activities.sweep(input);
  }
}
