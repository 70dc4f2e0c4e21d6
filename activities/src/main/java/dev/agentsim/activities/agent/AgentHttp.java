package dev.agentsim.activities.agent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.Redaction;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.workflows.ErrorCategory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON request to an agent over HTTP, with the error classification every HTTP connector
 * shares: timeouts are {@code AI_AGENT_TIMEOUT}, everything else {@code AI_AGENT_ERROR}; connection
 * errors, 5xx, 408 and 429 are retryable ({@code Retry-After} honoured), other statuses, unreadable
 * replies and bad configuration are not.
 *
 * <p>Every request carries {@code Idempotency-Key: <runId>:<sequence>}, the same on each attempt of
 * one turn. Configured header values are secrets: stored sealed, unsealed here only to be sent
 * through {@link OutboundHttp} (which checks the outbound policy first), and blanked out of
 * everything a failure says ({@link Redaction}), which quotes the agent's answer only as a short
 * excerpt. Redirects are not followed (a redirect would carry those headers elsewhere).
 */
@Component
public class AgentHttp {

  private static final Logger log = LoggerFactory.getLogger(AgentHttp.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Headers the JDK client sets itself and refuses to take from us. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final JsonMapper json;
  private final OutboundHttp outbound;
  private final SecretBox secrets;
  private final HttpClient http;

  /**
   * Headers as sent, and what redacts them, by the headers as stored: unsealed once per agent
   * (revision), not on every call of every turn.
   */
  private final Cache<Map<String, String>, Unsealed> unsealed =
      Caffeine.newBuilder().maximumSize(1_000).build();

  public AgentHttp(JsonMapper json, OutboundHttp outbound, SecretBox secrets) {
    this.json = json;
    this.outbound = outbound;
    this.secrets = secrets;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            // The client's own small non-blocking steps run inline rather than handed from thread
            // to
            // thread: the hand-offs cost more CPU than a nearby agent's whole request.
            .executor(Runnable::run)
            .build();
  }

  /**
   * What the agent answered.
   *
   * @param target method and URL without query nor user info: safe to log and to show
   * @param document the reply's JSON, never null
   * @param redaction the agent's secrets, to blank out of what a failure quotes
   */
  record Answer(String target, String body, Object document, long latencyMs, Redaction redaction) {

    /** The reply as technical details quote it. */
    String excerpt() {
      return Failures.excerpt(body, redaction);
    }
  }

  /**
   * Sends a JSON body and reads a JSON reply. Throws {@code ApplicationFailure}s only.
   *
   * @param sealedHeaders the agent's configured headers as stored, their values sealed; then {@code
   *     extraHeaders} of our own
   */
  Answer exchange(
      String url,
      String method,
      Map<String, String> sealedHeaders,
      Map<String, String> extraHeaders,
      int timeoutMs,
      String body,
      String idempotencyKey) {
    Unsealed plain =
        sealedHeaders == null ? Unsealed.NONE : unsealed.get(sealedHeaders, this::unseal);
    Map<String, String> headers = plain.headers();
    Redaction redaction = plain.redaction();
    HttpRequest request =
        request(url, method, headers, extraHeaders, timeoutMs, body, idempotencyKey);
    String target = method + " " + withoutQuery(request.uri());
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = outbound.send(http, request, Duration.ofMillis(timeoutMs));
    } catch (OutboundPolicy.Refused e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's URL is not allowed: it " + e.getMessage(),
          new FailureDetail(
              target + ": refused by the outbound policy (simulator.outbound.allow)"));
    } catch (OutboundHttp.ReplyTooLarge e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply is longer than "
              + e.limit()
              + " bytes (simulator.agent.max-reply-bytes)",
          new FailureDetail(target + ": " + e.getMessage()));
    } catch (HttpConnectTimeoutException e) {
      throw Failures.retryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent could not be reached: connecting timed out",
          new FailureDetail(redaction.apply(target + ": " + e.getMessage()), e));
    } catch (HttpTimeoutException e) {
      throw Failures.retryable(
          ErrorCategory.AI_AGENT_TIMEOUT,
          "The agent did not answer within " + timeoutMs + " ms",
          new FailureDetail(redaction.apply(target + ": " + e.getMessage()), e));
    } catch (IOException e) {
      throw Failures.retryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent could not be reached",
          new FailureDetail(
              redaction.apply(target + ": " + e.getClass().getSimpleName() + ": " + e.getMessage()),
              e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.retryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The call to the agent was interrupted",
          new FailureDetail(target, e));
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    int status = response.statusCode();
    log.debug("{} answered HTTP {} in {} ms (key {})", target, status, latencyMs, idempotencyKey);
    if (status < 200 || status >= 300) {
      throw statusFailure(target, response, redaction);
    }
    return new Answer(
        target, response.body(), parse(target, response.body(), redaction), latencyMs, redaction);
  }

  private record Unsealed(Map<String, String> headers, Redaction redaction) {
    static final Unsealed NONE = new Unsealed(null, Redaction.NONE);
  }

  /** The header values to send; one that cannot be unsealed fails the call, naming no value. */
  private Unsealed unseal(Map<String, String> sealedHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    sealedHeaders.forEach(
        (name, value) -> {
          try {
            headers.put(name, secrets.unseal(value));
          } catch (SecretBox.SecretUnreadable e) {
            throw Failures.nonRetryable(
                ErrorCategory.AI_AGENT_ERROR,
                "The agent's header '" + name + "' cannot be read",
                new FailureDetail(e.getMessage()));
          }
        });
    return new Unsealed(headers, Redaction.of(headers.values()));
  }

  private Object parse(String target, String body, Redaction redaction) {
    Object document;
    try {
      document = json.readValue(body, Object.class);
    } catch (JacksonException e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply is not valid JSON",
          new FailureDetail(target + " answered: " + Failures.excerpt(body, redaction)));
    }
    if (document == null) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply is empty",
          new FailureDetail(target + " answered an empty body"));
    }
    return document;
  }

  private static HttpRequest request(
      String url,
      String method,
      Map<String, String> headers,
      Map<String, String> extraHeaders,
      int timeoutMs,
      String body,
      String idempotencyKey) {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's URL is not valid",
          new FailureDetail(e.getClass().getSimpleName()));
    }
    builder
        .timeout(Duration.ofMillis(timeoutMs))
        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .setHeader("Content-Type", "application/json")
        .setHeader("Accept", "application/json");
    if (headers != null) {
      headers.forEach(
          (name, value) -> {
            if (name == null
                || value == null
                || RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
              throw Failures.nonRetryable(
                  ErrorCategory.AI_AGENT_ERROR,
                  "The agent's header '" + name + "' cannot be sent",
                  new FailureDetail("restricted or empty header"));
            }
            try {
              builder.setHeader(name, value);
            } catch (IllegalArgumentException e) {
              // Never the value, which is a secret.
              throw Failures.nonRetryable(
                  ErrorCategory.AI_AGENT_ERROR,
                  "The agent's header '" + name + "' is not a valid HTTP header",
                  new FailureDetail("invalid header"));
            }
          });
    }
    extraHeaders.forEach(builder::setHeader);
    builder.setHeader(HttpAgentConnector.IDEMPOTENCY_KEY, idempotencyKey);
    return builder.build();
  }

  private static RuntimeException statusFailure(
      String target, HttpResponse<String> response, Redaction redaction) {
    int status = response.statusCode();
    String message = "The agent answered HTTP " + status;
    FailureDetail detail =
        new FailureDetail(
            target
                + " answered HTTP "
                + status
                + ": "
                + Failures.excerpt(response.body(), redaction));
    if (status == 408 || status == 429 || status >= 500) {
      return Failures.retryable(
          ErrorCategory.AI_AGENT_ERROR, message, detail, Failures.retryAfter(response.headers()));
    }
    if (status >= 300 && status < 400) {
      message += " (a redirect; configure the final URL, redirects are not followed)";
    }
    return Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, message, detail);
  }

  /** User info and query strings may carry keys: left out of anything logged or stored. */
  private static String withoutQuery(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
