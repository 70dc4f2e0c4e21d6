package dev.agentsim.workflows.webhook;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class WebhookDeliveryWorkflowImpl implements WebhookDeliveryWorkflow {

  /** A margin over the request's own limit, for the bookkeeping around it. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  /** Giving up is our own bookkeeping: retried until it is recorded. */
  private final WebhookActivities bookkeeping =
      Workflow.newActivityStub(
          WebhookActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
              .build());

  @Override
  public void deliver(DeliveryInput input) {
    WebhookActivities sending =
        Workflow.newActivityStub(
            WebhookActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(
                    Duration.ofMillis(input.requestTimeoutMillis()).plus(MARGIN))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(input.maxAttempts())
                        .setInitialInterval(Duration.ofMillis(input.initialIntervalMillis()))
                        .setMaximumInterval(Duration.ofMillis(input.maxIntervalMillis()))
                        .setBackoffCoefficient(2)
                        .build())
                .build());
    try {
      sending.send(input.deliveryId(), input.requestTimeoutMillis());
    } catch (ActivityFailure e) {
      bookkeeping.giveUp(input.deliveryId());
    }
  }
}
