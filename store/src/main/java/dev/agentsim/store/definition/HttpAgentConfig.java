package dev.agentsim.store.definition;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * A generic JSON webhook agent. Without a template the request is
 * {@code {"sessionId","userId","text","data","turn"}} and the reply {@code {"text","data","ended"}}.
 *
 * @param headers sent with every request; their values are secrets
 * @param requestTemplate a JSON body with {@code {{text}}}, {@code {{sessionId}}}, {@code {{userId}}},
 *     {@code {{turn}}}, {@code {{data}}}, {@code {{entrypoint}}}, {@code {{locale}}} and {@code {{mocking}}}
 *     placeholders
 * @param replyTextPath JsonPath to the reply text (a string or an array of strings)
 */
public record HttpAgentConfig(
    @NotBlank @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String url,
    @Pattern(regexp = "POST|PUT", message = "must be POST or PUT") String method,
    Map<String, String> headers,
    @Min(1) @Max(600_000) Integer timeoutMs,
    String requestTemplate,
    String replyTextPath,
    String replyDataPath,
    String endedPath) implements AgentConfig {

  public static final int DEFAULT_TIMEOUT_MS = 30_000;

  public String methodOrDefault() {
    return method == null ? "POST" : method;
  }

  public int timeoutOrDefault() {
    return timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
  }
}
