package dev.agentsim.workflows.batch;

import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import java.util.Optional;

/**
 * Why a control update of a batch was refused, as its caller reads it back. Temporal hands a
 * validator's failure to the caller under a type of its own, so the reason travels at the start of
 * the message as well.
 *
 * @param reason what was refused
 * @param message what a person reads, without the reason
 */
public record ControlRefusal(Reason reason, String message) {

  public enum Reason {
    /** The batch has finished. */
    BATCH_FINISHED,
    /** The batch is stopping, or has reached its precision: it starts no more runs. */
    BATCH_ENDING,
    /** The run count asked for is below the runs started already. */
    RUNS_BELOW_STARTED,
    /** The window asked for holds no run. */
    NO_CONCURRENCY
  }

  private static final String SEPARATOR = ": ";

  static ApplicationFailure failure(Reason reason, String message) {
    return ApplicationFailure.newNonRetryableFailure(
        reason.name() + SEPARATOR + message, reason.name());
  }

  /** The refusal among an update's failure and its causes; empty for any other failure. */
  public static Optional<ControlRefusal> of(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure application) {
        String text = application.getOriginalMessage();
        Optional<ControlRefusal> refusal =
            Arrays.stream(Reason.values())
                .filter(reason -> text.startsWith(reason.name() + SEPARATOR))
                .findFirst()
                .map(
                    reason ->
                        new ControlRefusal(
                            reason, text.substring(reason.name().length() + SEPARATOR.length())));
        if (refusal.isPresent()) {
          return refusal;
        }
      }
    }
    return Optional.empty();
  }
}
