package dev.agentsim.workflows;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * How hard Temporal retries a remote party (the agent or the LLM) before the run ends in ERROR.
 * Travels in the workflow input so workflow code needs no configuration lookup.
 *
 * @param maxAttempts failed calls to the party, per turn, before the run ends in ERROR
 * @param attemptTimeoutSeconds limit of one attempt: the party's own timeout plus a margin
 * @param heartbeatTimeoutSeconds an attempt that has not heartbeat for this long is taken to be
 *     lost with its worker and retried; 0 in runs scheduled before attempts heartbeat
 */
public record RetrySettings(
    int maxAttempts,
    long initialIntervalMillis,
    long attemptTimeoutSeconds,
    long heartbeatTimeoutSeconds) {

  public static final RetrySettings DEFAULT = new RetrySettings(4, 1_000, 120, 10);

  /**
   * The longest wait between two attempts: also how soon a run notices that our own infrastructure
   * is back.
   */
  static final Duration MAXIMUM_INTERVAL = Duration.ofSeconds(30);

  public RetrySettings(int maxAttempts, long initialIntervalMillis, long attemptTimeoutSeconds) {
    this(
        maxAttempts, initialIntervalMillis, attemptTimeoutSeconds, DEFAULT.heartbeatTimeoutSeconds);
  }

  /**
   * Options for an activity that calls a remote party, as runs scheduled before turns were stored
   * exactly once used them: Temporal counts every failure, ours included. A cancelled run abandons
   * the call rather than asking for its cancellation: the call may have just finished, and a
   * cancellation request for a finished activity fails the run's workflow task (the test server
   * answers ACTIVITY_UNKNOWN), which left stopped batches waiting.
   *
   * <p>Abandoning came without a {@code Workflow.getVersion}, and none can be added after the fact:
   * the histories of runs cancelled before it and after it both lack a marker, so one code cannot
   * replay both. The ones after it (from 2026-11-24; {@code conversation-cancelled-v0.json} in the
   * replay set) are the ones that replay; the code that asked for cancellation lived for two hours
   * of the project's first evening and was never released.
   */
  public ActivityOptions activityOptions() {
    return ActivityOptions.newBuilder()
        .setCancellationType(ActivityCancellationType.ABANDON)
        .setStartToCloseTimeout(Duration.ofSeconds(attemptTimeoutSeconds))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(maxAttempts)
                .setInitialInterval(Duration.ofMillis(initialIntervalMillis))
                .setBackoffCoefficient(2)
                .build())
        .build();
  }

  /**
   * Options for a turn's activity: Temporal retries without a limit, because the activity itself
   * counts the party's failures (in the store) and fails for good after {@link #maxAttempts} of
   * them. Our own failures (the database, Temporal, waiting for a model slot) and a worker lost in
   * mid-call (noticed within the heartbeat timeout) are retried until they recover, and never end a
   * run in ERROR. Abandoned on cancellation, as {@link #activityOptions()} says why.
   */
  public ActivityOptions turnOptions() {
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder(activityOptions())
            .setRetryOptions(
                RetryOptions.newBuilder(activityOptions().getRetryOptions())
                    .setMaximumAttempts(0)
                    .setMaximumInterval(MAXIMUM_INTERVAL)
                    .build());
    if (heartbeatTimeoutSeconds > 0) {
      options.setHeartbeatTimeout(Duration.ofSeconds(heartbeatTimeoutSeconds));
    }
    return options.build();
  }
}
