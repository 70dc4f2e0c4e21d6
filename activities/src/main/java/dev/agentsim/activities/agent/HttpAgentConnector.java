package dev.agentsim.activities.agent;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.Expressions;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.workflows.ErrorCategory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generic JSON webhook connector ({@code http} agents).
 *
 * <p>Without a request template the body is {@code {"sessionId","userId","text","data","turn"}}
 * plus {@code entrypoint} and {@code locale} when set; the reply is read with JsonPath ({@code
 * $.text}, {@code $.data}, {@code $.ended} by default). The text may be a string or an array of
 * strings, one agent message each.
 *
 * <p>When the batch mocks tools, the request carries {@code X-Simulator-Mocking: true} and a body
 * field {@code mocking: {"enabled": true, "toolOverrides": {...}}} (with a template: where its
 * {@code {{mocking}}} placeholder stands), so the agent can answer its tool calls from them.
 *
 * <p>Headers, idempotency keys and error classification: see {@link AgentHttp}.
 */
@Component
public class HttpAgentConnector {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String DEFAULT_TEXT_PATH = "$.text";
  static final String DEFAULT_DATA_PATH = "$.data";
  static final String DEFAULT_ENDED_PATH = "$.ended";

  public static final String MOCKING_HEADER = "X-Simulator-Mocking";

  private final JsonMapper json;
  private final AgentHttp http;

  public HttpAgentConnector(JsonMapper json, AgentHttp http) {
    this.json = json;
    this.http = http;
  }

  /**
   * Sends one message to the agent and reads its reply. Throws {@code ApplicationFailure}s only.
   */
  public AgentReply send(HttpAgentConfig config, AgentMessage message) {
    String textPath = orDefault(config.replyTextPath(), DEFAULT_TEXT_PATH);
    ReplyPaths paths =
        new ReplyPaths(
            textPath,
            compile(textPath),
            compile(orDefault(config.replyDataPath(), DEFAULT_DATA_PATH)),
            compile(orDefault(config.endedPath(), DEFAULT_ENDED_PATH)));
    AgentHttp.Answer answer =
        http.exchange(
            config.url(),
            config.methodOrDefault(),
            config.headers(),
            message.mocked() ? Map.of(MOCKING_HEADER, "true") : Map.of(),
            config.timeoutOrDefault(),
            body(config, message),
            message.idempotencyKey());
    return reply(paths, answer);
  }

  private String body(HttpAgentConfig config, AgentMessage message) {
    String template = config.templateText();
    if (template != null) {
      return RequestTemplate.render(template, message, json);
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
    if (message.mocked()) {
      body.put("mocking", message.mockingBody());
    }
    return json.writeValueAsString(body);
  }

  /** Where the reply's text, data and end flag are, compiled before anything is sent. */
  private record ReplyPaths(String textPath, JsonPath text, JsonPath data, JsonPath ended) {}

  private AgentReply reply(ReplyPaths paths, AgentHttp.Answer answer) {
    Object document = answer.document();
    boolean ended = ended(read(document, paths.ended()));
    String textPath = paths.textPath();
    Optional<Object> text = read(document, paths.text());
    if (text.isEmpty() && !ended) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply has no text at " + textPath,
          new FailureDetail(answer.target() + " answered: " + answer.excerpt()));
    }
    List<String> texts = texts(text.orElse(null), textPath, answer);
    Map<String, Object> data = data(read(document, paths.data()).orElse(null));
    return new AgentReply(texts, data, ended, answer.latencyMs());
  }

  private static JsonPath compile(String path) {
    try {
      return Expressions.jsonPath(path);
    } catch (IllegalArgumentException e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's reply path " + e.getMessage(),
          new FailureDetail(e.getMessage()));
    }
  }

  /**
   * The value at a path; empty when the path is not in the document, {@link #NULL} when it holds
   * null.
   */
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

  private static List<String> texts(Object value, String path, AgentHttp.Answer answer) {
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
          throw notText(path, answer);
        }
        texts.add(String.valueOf(item));
      }
      return texts;
    }
    throw notText(path, answer);
  }

  private static RuntimeException notText(String path, AgentHttp.Answer answer) {
    return Failures.nonRetryable(
        ErrorCategory.AI_AGENT_ERROR,
        "The agent's reply text at " + path + " is not a string or a list of strings",
        new FailureDetail(answer.target() + " answered: " + answer.excerpt()));
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
}
