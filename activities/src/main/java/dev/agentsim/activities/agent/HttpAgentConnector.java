package dev.agentsim.activities.agent;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.HttpAgentConfig;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generic JSON webhook connector ({@code http} agents).
 *
 * <p>Without a request template the body is
 * {@code {"sessionId","userId","text","data","turn"}} plus {@code entrypoint} and {@code locale}
 * when set; the reply is read with JsonPath ({@code $.text}, {@code $.data}, {@code $.ended} by
 * default). The text may be a string or an array of strings, one agent message each.
 *
 * <p>Every request carries {@code Idempotency-Key: <runId>:<sequence>}, the same on each attempt
 * of one turn. Configured header values are secrets and are never logged nor put in failures.
 * Redirects are not followed (a redirect would carry those headers elsewhere).
 *
 * <p>Errors are classified here, once: timeouts are {@code AI_AGENT_TIMEOUT}, everything else
 * {@code AI_AGENT_ERROR}; connection errors, 5xx, 408 and 429 are retryable ({@code Retry-After}
 * honoured), other statuses, unreadable replies and bad configuration are not.
 */
@Component
public class HttpAgentConnector {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String DEFAULT_TEXT_PATH = "$.text";
  static final String DEFAULT_DATA_PATH = "$.data";
  static final String DEFAULT_ENDED_PATH = "$.ended";

  private static final Logger log = LoggerFactory.getLogger(HttpAgentConnector.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int BODY_IN_DETAILS = 1_000;
  /** Headers the JDK client sets itself and refuses to take from us. */
  private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
      "upgrade");

  private final JsonMapper json;
  private final HttpClient http;

  public HttpAgentConnector(JsonMapper json) {
    this.json = json;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** Sends one message to the agent and reads its reply. Throws {@code ApplicationFailure}s only. */
  public AgentReply send(HttpAgentConfig config, AgentMessage message) {
    String textPath = orDefault(config.replyTextPath(), DEFAULT_TEXT_PATH);
    ReplyPaths paths = new ReplyPaths(textPath, compile(textPath),
        compile(orDefault(config.replyDataPath(), DEFAULT_DATA_PATH)),
        compile(orDefault(config.endedPath(), DEFAULT_ENDED_PATH)));
    HttpRequest request = request(config, body(config, message), message.idempotencyKey());
    String target = config.methodOrDefault() + " " + withoutQuery(request.uri());
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw Failures.retryable(ErrorCategory.AI_AGENT_ERROR, "The agent could not be reached: connecting timed out",
          new FailureDetail(target + ": " + e.getMessage(), e));
    } catch (HttpTimeoutException e) {
      throw Failures.retryable(ErrorCategory.AI_AGENT_TIMEOUT,
          "The agent did not answer within " + config.timeoutOrDefault() + " ms",
          new FailureDetail(target + ": " + e.getMessage(), e));
    } catch (IOException e) {
      throw Failures.retryable(ErrorCategory.AI_AGENT_ERROR, "The agent could not be reached",
          new FailureDetail(target + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.retryable(ErrorCategory.AI_AGENT_ERROR, "The call to the agent was interrupted",
          new FailureDetail(target, e));
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    int status = response.statusCode();
    log.debug("{} answered HTTP {} in {} ms (key {})", target, status, latencyMs, message.idempotencyKey());
    if (status < 200 || status >= 300) {
      throw statusFailure(target, response);
    }
    return reply(paths, target, response.body(), latencyMs);
  }

  private String body(HttpAgentConfig config, AgentMessage message) {
    if (config.requestTemplate() != null && !config.requestTemplate().isBlank()) {
      return RequestTemplate.render(config.requestTemplate(), message, json);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sessionId", message.sessionId());
    body.put("userId", message.userId());
    body.put("text", message.text());
    body.put("data", message.data() == null ? Map.of() : message.data());
    body.put("turn", message.turn());
    if (message.entrypoint() != null) {
      body.put("entrypoint", message.entrypoint());
    }
    if (message.locale() != null) {
      body.put("locale", message.locale());
    }
    return json.writeValueAsString(body);
  }

  private HttpRequest request(HttpAgentConfig config, String body, String idempotencyKey) {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(URI.create(config.url()));
    } catch (IllegalArgumentException e) {
      throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, "The agent's URL is not valid",
          new FailureDetail(e.getClass().getSimpleName()));
    }
    builder.timeout(Duration.ofMillis(config.timeoutOrDefault()))
        .method(config.methodOrDefault(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .setHeader("Content-Type", "application/json")
        .setHeader("Accept", "application/json");
    if (config.headers() != null) {
      config.headers().forEach((name, value) -> {
        if (name == null || value == null || RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR,
              "The agent's header '" + name + "' cannot be sent", new FailureDetail("restricted or empty header"));
        }
        try {
          builder.setHeader(name, value);
        } catch (IllegalArgumentException e) {
          // Never the value, which is a secret.
          throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR,
              "The agent's header '" + name + "' is not a valid HTTP header", new FailureDetail("invalid header"));
        }
      });
    }
    builder.setHeader(IDEMPOTENCY_KEY, idempotencyKey);
    return builder.build();
  }

  private RuntimeException statusFailure(String target, HttpResponse<String> response) {
    int status = response.statusCode();
    String message = "The agent answered HTTP " + status;
    FailureDetail detail = new FailureDetail(target + " answered HTTP " + status + ": "
        + Failures.abbreviate(response.body(), BODY_IN_DETAILS));
    if (status == 408 || status == 429 || status >= 500) {
      return Failures.retryable(ErrorCategory.AI_AGENT_ERROR, message, detail, Failures.retryAfter(response.headers()));
    }
    if (status >= 300 && status < 400) {
      message += " (a redirect; configure the final URL, redirects are not followed)";
    }
    return Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, message, detail);
  }

  /** Where the reply's text, data and end flag are, compiled before anything is sent. */
  private record ReplyPaths(String textPath, JsonPath text, JsonPath data, JsonPath ended) {}

  private AgentReply reply(ReplyPaths paths, String target, String body, long latencyMs) {
    Object document;
    try {
      document = json.readValue(body, Object.class);
    } catch (JacksonException e) {
      throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, "The agent's reply is not valid JSON",
          new FailureDetail(target + " answered: " + Failures.abbreviate(body, BODY_IN_DETAILS)));
    }
    if (document == null) {
      throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, "The agent's reply is empty",
          new FailureDetail(target + " answered an empty body"));
    }
    boolean ended = ended(read(document, paths.ended()));
    String textPath = paths.textPath();
    Optional<Object> text = read(document, paths.text());
    if (text.isEmpty() && !ended) {
      throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, "The agent's reply has no text at " + textPath,
          new FailureDetail(target + " answered: " + Failures.abbreviate(body, BODY_IN_DETAILS)));
    }
    List<String> texts = texts(text.orElse(null), textPath, target, body);
    Map<String, Object> data = data(read(document, paths.data()).orElse(null));
    return new AgentReply(texts, data, ended, latencyMs);
  }

  private static JsonPath compile(String path) {
    try {
      return JsonPath.compile(path);
    } catch (InvalidPathException | IllegalArgumentException e) {
      throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply path '" + path + "' is not a valid JsonPath expression",
          new FailureDetail(e.getMessage()));
    }
  }

  /** The value at a path; empty when the path is not in the document, {@link #NULL} when it holds null. */
  private static Optional<Object> read(Object document, JsonPath compiled) {
    try {
      Object value = compiled.read(document);
      return value == null ? Optional.of(NULL) : Optional.of(value);
    } catch (PathNotFoundException e) {
      return Optional.empty();
    } catch (InvalidPathException e) {
      // e.g. a property path applied to an array
      return Optional.empty();
    }
  }

  /** Stands for JSON null found at a path, as opposed to the path being absent. */
  private static final Object NULL = new Object();

  private static List<String> texts(Object value, String path, String target, String body) {
    if (value == null || value == NULL) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return List.of(String.valueOf(value));
    }
    if (value instanceof List<?> list) {
      List<String> texts = new ArrayList<>();
      for (Object item : list) {
        if (item == null) {
          continue;
        }
        if (item instanceof Map || item instanceof List) {
          throw notText(path, target, body);
        }
        texts.add(String.valueOf(item));
      }
      return texts;
    }
    throw notText(path, target, body);
  }

  private static RuntimeException notText(String path, String target, String body) {
    return Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR,
        "The agent's reply text at " + path + " is not a string or a list of strings",
        new FailureDetail(target + " answered: " + Failures.abbreviate(body, BODY_IN_DETAILS)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> data(Object value) {
    if (value == null || value == NULL) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      return new LinkedHashMap<>((Map<String, Object>) map);
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("value", value);
    return wrapped;
  }

  private static boolean ended(Optional<Object> found) {
    Object value = found.orElse(null);
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      return "true".equalsIgnoreCase(s.trim());
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(item -> ended(Optional.ofNullable(item)));
    }
    return false;
  }

  private static String orDefault(String path, String fallback) {
    return path == null || path.isBlank() ? fallback : path;
  }

  /** User info and query strings may carry keys: left out of anything logged or stored. */
  private static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
