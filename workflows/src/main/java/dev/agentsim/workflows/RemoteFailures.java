package dev.agentsim.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * Reads the final failure of an activity that called a remote party. Activities put a message for
 * people in the failure and the technical detail (an HTTP status, a provider's answer) in its
 * cause.
 */
public final class RemoteFailures {

  private RemoteFailures() {}

  public static String message(ActivityFailure e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return e.getMessage();
    }
    return text(cause);
  }

  public static String technicalDetails(ActivityFailure e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String details = text(cause);
    if (cause.getCause() != null) {
      details += " (" + text(cause.getCause()) + ")";
    }
    return e.getActivityType() + " failed after retries: " + details;
  }

  private static String text(Throwable failure) {
    return failure instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : failure.getMessage();
  }
}
