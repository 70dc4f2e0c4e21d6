package dev.agentsim.store.definition;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * A generic JSON webhook agent. Without a template the request is {@code
 * {"sessionId","userId","text","data","turn"}} and the reply {@code {"text","data","ended"}}.
 *
 * @param headers sent with every request; their values are secrets
 * @param requestTemplate the request body with {@link #PLACEHOLDERS placeholders}: a JSON object
 *     (or array) as it is sent, or the same written as a string
 * @param replyTextPath JsonPath to the reply text (a string or an array of strings)
 */
public record HttpAgentConfig(
    @NotBlank @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String url,
    @Pattern(regexp = "POST|PUT", message = "must be POST or PUT") String method,
    Map<String, String> headers,
    @Min(1) @Max(600_000) Integer timeoutMs,
    Object requestTemplate,
    String replyTextPath,
    String replyDataPath,
    String endedPath)
    implements AgentConfig {

  public static final int DEFAULT_TIMEOUT_MS = 30_000;

  /** The names a request template may use as {@code {{name}}}. */
  public static final Set<String> PLACEHOLDERS =
      Set.of("text", "sessionId", "userId", "turn", "data", "entrypoint", "locale", "mocking");

  public static final java.util.regex.Pattern PLACEHOLDER =
      java.util.regex.Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public String methodOrDefault() {
    return method == null ? "POST" : method;
  }

  public int timeoutOrDefault() {
    return timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
  }

  /** Whether the template is one of the forms it may take: a string, a JSON object or an array. */
  public boolean templateHasValidType() {
    return requestTemplate == null
        || requestTemplate instanceof String
        || requestTemplate instanceof Map
        || requestTemplate instanceof List;
  }

  /**
   * The template as text, or null when there is none. A template given as JSON is written out with
   * each string that is nothing but one placeholder ({@code "turn": "{{turn}}"}) turned into the
   * bare placeholder, so it becomes the value itself (a number, an object) rather than its text.
   */
  public String templateText() {
    if (requestTemplate instanceof String text) {
      return text.isBlank() ? null : text;
    }
    if (requestTemplate == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    write(requestTemplate, out);
    return out.toString();
  }

  /** The placeholders of the template that name no value, in order of name. */
  public Set<String> unknownPlaceholders() {
    Set<String> unknown = new TreeSet<>();
    String text = templateText();
    if (text != null) {
      Matcher matcher = PLACEHOLDER.matcher(text);
      while (matcher.find()) {
        if (!PLACEHOLDERS.contains(matcher.group(1))) {
          unknown.add(matcher.group(1));
        }
      }
    }
    return unknown;
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator)
            .append(JSON.writeValueAsString(String.valueOf(entry.getKey())))
            .append(':');
        write(entry.getValue(), out);
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String separator = "";
      for (Object item : list) {
        out.append(separator);
        write(item, out);
        separator = ",";
      }
      out.append(']');
    } else if (value instanceof String text && PLACEHOLDER.matcher(text).matches()) {
      out.append(text.strip());
    } else {
      out.append(JSON.writeValueAsString(value));
    }
  }
}
