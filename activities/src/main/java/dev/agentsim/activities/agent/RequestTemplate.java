package dev.agentsim.activities.agent;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.workflows.ErrorCategory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders an agent's request template: a JSON body with {@code {{text}}}, {@code {{sessionId}}},
 * {@code {{userId}}}, {@code {{turn}}}, {@code {{data}}}, {@code {{entrypoint}}} and {@code
 * {{locale}}} placeholders, and {@code {{mocking}}}: the batch's canned tool results, or {@code
 * null} when the agent is not told to mock.
 *
 * <p>Inside a JSON string ({@code "message": "{{text}}"}) a placeholder becomes the JSON-escaped
 * text of its value; standing on its own ({@code "turn": {{turn}}, "context": {{data}}}) it becomes
 * a JSON value: a string in quotes, a number, an object, or {@code null}. The result must be valid
 * JSON, otherwise the agent's configuration is wrong and no retry helps.
 */
final class RequestTemplate {

  /**
   * The longest request body a template may make: a template repeating a long value must not fill
   * the heap.
   */
  static final int MAX_RENDERED = 5 * 1024 * 1024;

  private RequestTemplate() {}

  static String render(String template, AgentMessage message, JsonMapper json) {
    Map<String, Object> values = values(message);
    StringBuilder out = new StringBuilder(template.length() + 64);
    Matcher matcher = HttpAgentConfig.PLACEHOLDER.matcher(template);
    boolean inString = false;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{') {
        matcher.region(i, template.length());
        if (matcher.lookingAt()) {
          String name = matcher.group(1);
          if (!values.containsKey(name)) {
            throw Failures.nonRetryable(
                ErrorCategory.AI_AGENT_ERROR,
                "The agent's request template uses an unknown placeholder {{" + name + "}}",
                new FailureDetail("known placeholders: " + values.keySet()));
          }
          out.append(
              inString
                  ? inString(values.get(name), json)
                  : json.writeValueAsString(values.get(name)));
          if (out.length() > MAX_RENDERED) {
            throw Failures.nonRetryable(
                ErrorCategory.AI_AGENT_ERROR,
                "The agent's request template makes a body longer than "
                    + MAX_RENDERED
                    + " characters",
                null);
          }
          i = matcher.end();
          continue;
        }
      }
      if (inString && c == '\\' && i + 1 < template.length()) {
        out.append(c).append(template.charAt(i + 1));
        i += 2;
        continue;
      }
      if (c == '"') {
        inString = !inString;
      }
      out.append(c);
      i++;
    }
    String body = out.toString();
    try {
      json.readTree(body);
    } catch (JacksonException e) {
      // Only the position: the template may hold values its author would not want in a log.
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's request template does not produce valid JSON",
          new FailureDetail("rendered template is not valid JSON at " + e.getLocation()));
    }
    return body;
  }

  private static Map<String, Object> values(AgentMessage message) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("text", message.text());
    values.put("sessionId", message.sessionId());
    values.put("userId", message.userId());
    values.put("turn", message.turn());
    values.put("data", message.data() == null ? Map.of() : message.data());
    values.put("entrypoint", message.entrypoint());
    values.put("locale", message.locale());
    values.put("mocking", message.mockingBody());
    return values;
  }

  /** The value as the content of a JSON string: escaped, without the quotes. */
  private static String inString(Object value, JsonMapper json) {
    if (value == null) {
      return "";
    }
    String text = value instanceof String s ? s : json.writeValueAsString(value);
    String quoted = json.writeValueAsString(text);
    return quoted.substring(1, quoted.length() - 1);
  }
}
