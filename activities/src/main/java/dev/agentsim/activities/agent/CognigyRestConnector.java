package dev.agentsim.activities.agent;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.CognigyRestAgentConfig;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.workflows.ErrorCategory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Cognigy.AI REST endpoint ({@code cognigy-rest} agents).
 *
 * <p>The request is Cognigy's {@code {"userId","sessionId","text","data"}}. The endpoint's URL
 * already selects the flow and its locale, and the REST endpoint takes no other fields, so the
 * run's entry point and locale travel in {@code data}, beside the session's data: {@code
 * data.entrypoint} and {@code data.localeReferenceId} (a flow reads them as {@code input.data.*});
 * when the batch mocks tools, {@code data.mocking} too.
 *
 * <p>The reply is {@code {"text","data","outputStack":[{"text","data"}]}}. A flow may say several
 * things in one turn (one output per Say node): they become one agent turn, their non-empty texts
 * joined by a newline, every output kept in the turn's {@code data.outputs}. Without an output
 * stack the reply's own {@code text} and {@code data} are the one output.
 */
@Component
public class CognigyRestConnector {

  private final JsonMapper json;
  private final AgentHttp http;

  public CognigyRestConnector(JsonMapper json, AgentHttp http) {
    this.json = json;
    this.http = http;
  }

  public AgentReply send(CognigyRestAgentConfig config, AgentMessage message) {
    int timeoutMs =
        config.timeoutMs() == null ? HttpAgentConfig.DEFAULT_TIMEOUT_MS : config.timeoutMs();
    AgentHttp.Answer answer =
        http.exchange(
            config.url(),
            "POST",
            config.headers(),
            Map.of(),
            timeoutMs,
            json.writeValueAsString(body(message)),
            message.idempotencyKey());
    if (!(answer.document() instanceof Map<?, ?> reply)) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The Cognigy endpoint's reply is not a JSON object",
          new FailureDetail(answer.target() + " answered: " + answer.excerpt()));
    }
    List<Map<String, Object>> outputs = outputs(reply);
    List<String> texts = new ArrayList<>();
    for (Map<String, Object> output : outputs) {
      if (output.get("text") instanceof String text && !text.isBlank()) {
        texts.add(text);
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("outputs", outputs);
    return new AgentReply(
        texts.isEmpty() ? List.of() : List.of(String.join("\n", texts)),
        data,
        false,
        answer.latencyMs());
  }

  private static Map<String, Object> body(AgentMessage message) {
    Map<String, Object> data =
        new LinkedHashMap<>(message.data() == null ? Map.of() : message.data());
    if (message.entrypoint() != null) {
      data.put("entrypoint", message.entrypoint());
    }
    if (message.locale() != null) {
      data.put("localeReferenceId", message.locale());
    }
    if (message.mocked()) {
      data.put("mocking", message.mockingBody());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("userId", message.userId());
    body.put("sessionId", message.sessionId());
    body.put("text", message.text() == null ? "" : message.text());
    body.put("data", data);
    return body;
  }

  /** The flow's outputs in order, each {@code {"text","data"}}. */
  private static List<Map<String, Object>> outputs(Map<?, ?> reply) {
    List<Map<String, Object>> outputs = new ArrayList<>();
    if (reply.get("outputStack") instanceof List<?> stack && !stack.isEmpty()) {
      for (Object item : stack) {
        if (item instanceof Map<?, ?> output) {
          outputs.add(output(output.get("text"), output.get("data")));
        }
      }
      return outputs;
    }
    if (reply.get("text") != null || reply.get("data") != null) {
      outputs.add(output(reply.get("text"), reply.get("data")));
    }
    return outputs;
  }

  private static Map<String, Object> output(Object text, Object data) {
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("text", text == null ? null : String.valueOf(text));
    output.put("data", data);
    return output;
  }
}
