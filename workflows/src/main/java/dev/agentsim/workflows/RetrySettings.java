package dev.agentsim.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * How hard Temporal retries a remote party (the agent or the LLM) before the run ends in ERROR.
 * Travels in the workflow input so workflow code needs no configuration lookup.
 */
public record RetrySettings(int maxAttempts, long initialIntervalMillis, long attemptTimeoutSeconds) {

  public static final RetrySettings DEFAULT = new RetrySettings(4, 1_000, 120);

  /**
   * Options for an activity that calls a remote party: these attempts, exponential backoff. A
   * cancelled run abandons the call rather than asking for its cancellation: the call may have
   * just finished, and a cancellation request for a finished activity fails the run's workflow
   * task (the test server answers ACTIVITY_UNKNOWN), which left stopped batches waiting.
   */
  public ActivityOptions activityOptions() {
    return ActivityOptions.newBuilder()
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setStartToCloseTimeout(Duration.ofSeconds(attemptTimeoutSeconds))
        .setRetryOptions(RetryOptions.newBuilder()
            .setMaximumAttempts(maxAttempts)
            .setInitialInterval(Duration.ofMillis(initialIntervalMillis))
            .setBackoffCoefficient(2)
            .build())
        .build();
  }
}
