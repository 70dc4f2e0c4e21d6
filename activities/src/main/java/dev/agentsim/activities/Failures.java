package dev.agentsim.activities;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.workflows.ErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * Builds the {@link ApplicationFailure}s activities throw. The failure's type is an {@link
 * ErrorCategory} name, which is how the workflow classifies it; its message is meant for the people
 * reading the run's result, the technical detail travels in its cause.
 */
public final class Failures {

  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private Failures() {}

  /** A failure Temporal retries according to the activity's retry policy. */
  public static ApplicationFailure retryable(
      ErrorCategory category, String message, Throwable cause) {
    return ApplicationFailure.newFailureWithCause(message, category.name(), cause);
  }

  /**
   * A retryable failure whose next attempt waits {@code delay}, e.g. as a {@code Retry-After} asks.
   */
  public static ApplicationFailure retryable(
      ErrorCategory category, String message, Throwable cause, Duration delay) {
    if (delay == null) {
      return retryable(category, message, cause);
    }
    return ApplicationFailure.newFailureWithCauseAndDelay(message, category.name(), cause, delay);
  }

  /**
   * The failure type of our own waits (a model's {@code maxConcurrency} slots all taken): retried,
   * and never counted against the remote party, see {@link
   * dev.agentsim.activities.turn.TurnKeeper}.
   */
  public static final String BUSY = "SIMULATOR_BUSY";

  /**
   * Our own capacity is exhausted for now: the activity gives its slot back and is retried later.
   */
  public static ApplicationFailure busy(String message) {
    return ApplicationFailure.newFailure(message, BUSY);
  }

  /**
   * A failure no retry can fix: bad configuration, a rejected request, a reply that cannot be read.
   */
  public static ApplicationFailure nonRetryable(
      ErrorCategory category, String message, Throwable cause) {
    return ApplicationFailure.newNonRetryableFailureWithCause(message, category.name(), cause);
  }

  /** Parses an id from workflow input; a malformed id is a bug no retry fixes. */
  public static UUID uuid(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (RuntimeException e) {
      throw nonRetryable(
          ErrorCategory.UNKNOWN, "The " + what + " id '" + id + "' is not a UUID", e);
    }
  }

  /**
   * Reads an agent, model or scenario a run refers to. One deleted since its batch was scheduled
   * will not come back, so its absence is not retried.
   */
  public static <T> T definition(
      DefinitionRepository definitions,
      Kind kind,
      String id,
      Class<T> type,
      ErrorCategory category) {
    String what = kind.name().toLowerCase(Locale.ROOT);
    try {
      return definitions.get(kind, uuid(id, what), type);
    } catch (IllegalStateException e) {
      throw nonRetryable(category, "The " + what + " no longer exists", e);
    }
  }

  /**
   * How long a server asks us to wait before the next attempt ({@code Retry-After}, in seconds or
   * as an HTTP date), at most five minutes; null when it asks nothing readable.
   */
  public static Duration retryAfter(HttpHeaders headers) {
    String value = headers.firstValue("Retry-After").map(String::trim).orElse(null);
    if (value == null) {
      return null;
    }
    Duration delay;
    try {
      delay = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      try {
        delay =
            Duration.between(
                Instant.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
      } catch (RuntimeException notADate) {
        return null;
      }
    }
    if (delay.isNegative() || delay.isZero()) {
      return null;
    }
    return delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
  }

  /** How much of what a remote party answered goes into technical details. */
  public static final int EXCERPT_CHARS = 500;

  /**
   * What a remote party answered, as technical details quote it: its secrets blanked out first (a
   * secret cut in two by the excerpt would no longer be found), then its first {@link
   * #EXCERPT_CHARS} characters.
   */
  public static String excerpt(String answer, Redaction redaction) {
    return abbreviate(redaction.apply(answer), EXCERPT_CHARS);
  }

  /** Shortens text (a response body, say) for technical details. */
  public static String abbreviate(String text, int max) {
    if (text == null) {
      return "";
    }
    return text.length() <= max ? text : text.substring(0, max) + "… (" + text.length() + " chars)";
  }
}
