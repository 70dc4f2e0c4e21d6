package dev.agentsim.store.definition;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An agent that is a system prompt, a model and tools ({@code openai-chat} agents): the model of
 * the project's stored model {@code modelId} answers, calling tools whose results come from the
 * batch's mocking.
 */
public record OpenAiChatAgentConfig(
    @NotNull UUID modelId,
    @NotBlank String systemPrompt,
    List<@NotNull @Valid Tool> tools) implements AgentConfig {

  /**
   * A tool the model may call.
   *
   * @param parameters the JSON schema of its arguments; null for none
   */
  public record Tool(
      @NotBlank @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9_-]{1,64}",
          message = "must be 1 to 64 letters, digits, _ or -") String name,
      String description,
      Map<String, Object> parameters) {}

  public List<Tool> toolsOrNone() {
    return tools == null ? List.of() : tools;
  }
}
