package dev.agentsim.store.definition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
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
    @NotNull UUID modelId, @NotBlank String systemPrompt, List<@NotNull @Valid Tool> tools)
    implements AgentConfig {

  /**
   * A tool the model may call.
   *
   * @param parameters the JSON schema of its arguments; null for none
   */
  public record Tool(
      @NotBlank
          @jakarta.validation.constraints.Pattern(
              regexp = "[A-Za-z0-9_-]{1,64}",
              message = "must be 1 to 64 letters, digits, _ or -")
          String name,
      String description,
      Map<String, Object> parameters) {

    /**
     * Reads a tool written flat ({@code {"name", "description", "parameters"}}) or as OpenAI's API
     * writes it ({@code {"type": "function", "function": {"name", ...}}}), as it is pasted from
     * OpenAI's documentation.
     */
    @JsonCreator
    static Tool fromJson(
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("type") String type,
        @JsonProperty("function") Function function) {
      if (type == null && function == null) {
        return new Tool(name, description, parameters);
      }
      if (!"function".equals(type) || function == null) {
        throw new IllegalArgumentException(
            "a tool in OpenAI's shape is {\"type\": \"function\", \"function\": {...}}");
      }
      if (name != null || description != null || parameters != null) {
        throw new IllegalArgumentException("a tool is either flat or in OpenAI's shape, not both");
      }
      return new Tool(function.name(), function.description(), function.parameters());
    }
  }

  /** The inner object of a tool in OpenAI's shape. */
  record Function(String name, String description, Map<String, Object> parameters) {}

  public List<Tool> toolsOrNone() {
    return tools == null ? List.of() : tools;
  }
}
