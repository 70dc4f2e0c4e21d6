package dev.agentsim.activities;

/**
 * The technical side of a failure (request, status, a piece of the body), carried as the cause of
 * an {@code ApplicationFailure} whose own message is the user-friendly one. Never holds secrets: no
 * header values, no query strings.
 */
public class FailureDetail extends RuntimeException {

  public FailureDetail(String detail) {
    super(detail, null, false, false);
  }

  public FailureDetail(String detail, Throwable cause) {
    super(detail, cause, false, false);
  }
}
