package dev.agentsim.activities.llm;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.Redaction;
import dev.agentsim.activities.llm.ProviderHttpClient.ProviderHttpException;
import dev.agentsim.workflows.ErrorCategory;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Classifies what LangChain4j throws into {@code LLM_PROVIDER_ERROR} failures: retryable for
 * timeouts, 5xx, 408, 429 and connection errors; not retryable for 400, 401, 403, 404 and other
 * 4xx, and for replies that are not the provider's JSON answer.
 *
 * <p>A call {@link ProviderHttpClient} refuses to make or finish (the outbound policy, the reply's
 * length limit) is not retried either.
 *
 * <p>LangChain4j 1.19's {@code DefaultExceptionMapper} turns an {@link HttpException} into {@link
 * InternalServerException} (5xx), {@link AuthenticationException} (401, 403), {@link
 * ModelNotFoundException} (404), {@link TimeoutException} (408), {@link RateLimitException} (429)
 * or {@link InvalidRequestException} (other 4xx), keeping the {@code HttpException} as cause;
 * {@link ProviderHttpClient} throws {@link TimeoutException} on a timeout and an {@code
 * UncheckedIOException} when the connection fails.
 *
 * <p>A 429 or 5xx waits as long as the provider's {@code Retry-After} asks (kept by {@link
 * ProviderHttpClient}). The failure's cause, its technical detail, carries the status and an
 * excerpt of the provider's own message, with the model's key blanked out should the provider echo
 * it ({@link Redaction}, by whole token); the LangChain4j exception itself is not passed on, since
 * its message is the raw response body.
 */
final class LlmFailures {

  private static final ErrorCategory CATEGORY = ErrorCategory.LLM_PROVIDER_ERROR;

  private LlmFailures() {}

  static ApplicationFailure classify(RuntimeException e, Duration timeout, Redaction redaction) {
    if (has(e, ProviderHttpClient.Refused.class)) {
      String message = redaction.apply(messageOf(e, ProviderHttpClient.Refused.class));
      return Failures.nonRetryable(CATEGORY, message, new FailureDetail(message));
    }
    Integer status = statusOf(e);
    String withStatus = status == null ? "" : " (HTTP " + status + ")";
    FailureDetail detail = detail(e, status, redaction);
    Duration retryAfter = retryAfterOf(e);
    if (e instanceof TimeoutException
        || has(e, HttpTimeoutException.class)
        || (status != null && status == 408)) {
      return Failures.retryable(
          CATEGORY, "The model did not answer within " + seconds(timeout), detail);
    }
    if (e instanceof RateLimitException || (status != null && status == 429)) {
      return Failures.retryable(
          CATEGORY,
          "The model provider is rate limiting requests" + withStatus,
          detail,
          retryAfter);
    }
    if (e instanceof InternalServerException || (status != null && status >= 500)) {
      return Failures.retryable(
          CATEGORY,
          "The model provider answered HTTP " + (status == null ? "5xx" : status),
          detail,
          retryAfter);
    }
    if (e instanceof AuthenticationException
        || (status != null && (status == 401 || status == 403))) {
      return Failures.nonRetryable(
          CATEGORY,
          "The model provider rejected the credentials"
              + withStatus
              + ": check the model's API key",
          detail);
    }
    if (e instanceof ModelNotFoundException || (status != null && status == 404)) {
      return Failures.nonRetryable(
          CATEGORY,
          "The model provider does not know this model or endpoint"
              + withStatus
              + ": check the base URL and model name",
          detail);
    }
    if (e instanceof InvalidRequestException || (status != null && status >= 400 && status < 500)) {
      return Failures.nonRetryable(
          CATEGORY, "The model provider rejected the request" + withStatus, detail);
    }
    // Before IOException: Jackson 2's parse errors are IOExceptions.
    if (fromJson(e)) {
      return Failures.nonRetryable(
          CATEGORY, "The model provider's reply is not a valid chat completion", detail);
    }
    if (e instanceof UnresolvedModelServerException || has(e, IOException.class)) {
      // A DNS failure or a refused connection may pass: retried, as any connection error.
      return Failures.retryable(CATEGORY, "The model provider could not be reached", detail);
    }
    if (e instanceof NonRetriableException) {
      return Failures.nonRetryable(CATEGORY, "The model call failed", detail);
    }
    // RetriableException, and anything unexpected: another attempt may do better, attempts are
    // bounded.
    return Failures.retryable(CATEGORY, "The model call failed", detail);
  }

  /**
   * A spec the provider's client refuses to build from: no call can succeed until it is changed.
   */
  static ApplicationFailure misconfigured(IllegalArgumentException e, Redaction redaction) {
    return Failures.nonRetryable(
        CATEGORY,
        "The model is not configured correctly: " + redaction.apply(e.getMessage()),
        null);
  }

  /**
   * The provider's answer for an HTTP error, else the innermost exception: what went wrong, without
   * the key.
   */
  private static FailureDetail detail(RuntimeException e, Integer status, Redaction redaction) {
    if (status != null) {
      return new FailureDetail(
          "HTTP " + status + ": " + Failures.excerpt(messageOf(e, HttpException.class), redaction));
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // A parse error quotes the reply: an excerpt too.
    return new FailureDetail(
        Failures.excerpt(
            root == e ? String.valueOf(e) : e.getClass().getSimpleName() + ": " + root, redaction));
  }

  private static String messageOf(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return t.getMessage();
      }
    }
    return e.getMessage();
  }

  private static Duration retryAfterOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProviderHttpException http) {
        return http.retryAfter();
      }
    }
    return null;
  }

  private static Integer statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpException http) {
        return http.statusCode();
      }
    }
    return null;
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** A Jackson 2 parse error (LangChain4j's OpenAI client reads replies with Jackson 2). */
  private static boolean fromJson(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("com.fasterxml.jackson.")) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
