package dev.agentsim.store.definition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The endpoint under test. Its {@code type} says how its {@code config} reads: {@code http} ({@link
 * HttpAgentConfig}), {@code cognigy-rest} ({@link CognigyRestAgentConfig}) or {@code openai-chat}
 * ({@link OpenAiChatAgentConfig}).
 */
public record AgentSpec(
    @NotBlank String name,
    @NotNull
        @Pattern(
            regexp = "http|cognigy-rest|openai-chat",
            message = "must be one of: http, cognigy-rest, openai-chat")
        String type,
    @Valid AgentConfig config)
    implements Named {

  public static final String HTTP = "http";
  public static final String COGNIGY_REST = "cognigy-rest";
  public static final String OPENAI_CHAT = "openai-chat";

  /** Reads a config as its type's record, which names every field a config may have. */
  private static final JsonMapper CONFIG =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * Reads the config as its type says. An unknown type leaves the config unread: validation then
   * names {@code type}, the field at fault. A missing config reads as an empty one, so validation
   * names the config field that is missing. A field the type does not have, or one of the wrong
   * type, is refused, named {@code config.<field>}.
   */
  @JsonCreator
  static AgentSpec fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("type") String type,
      @JsonProperty("config") Map<String, Object> config) {
    Class<? extends AgentConfig> configType = configType(type);
    if (configType == null) {
      return new AgentSpec(name, type, null);
    }
    try {
      return new AgentSpec(
          name, type, CONFIG.convertValue(config == null ? Map.of() : config, configType));
    } catch (DatabindException e) {
      e.prependPath(AgentSpec.class, "config");
      throw e;
    }
  }

  /**
   * The same agent with each of its secrets (the header values of {@code http} and {@code
   * cognigy-rest} agents) passed through {@code each}: sealed, or unsealed.
   */
  public AgentSpec withSecrets(UnaryOperator<String> each) {
    if (config instanceof HttpAgentConfig c && c.headers() != null) {
      return new AgentSpec(
          name,
          type,
          new HttpAgentConfig(
              c.url(),
              c.method(),
              map(c.headers(), each),
              c.timeoutMs(),
              c.requestTemplate(),
              c.replyTextPath(),
              c.replyDataPath(),
              c.endedPath()));
    }
    if (config instanceof CognigyRestAgentConfig c && c.headers() != null) {
      return new AgentSpec(
          name, type, new CognigyRestAgentConfig(c.url(), map(c.headers(), each), c.timeoutMs()));
    }
    return this;
  }

  private static Map<String, String> map(Map<String, String> headers, UnaryOperator<String> each) {
    Map<String, String> mapped = new LinkedHashMap<>();
    headers.forEach((name, value) -> mapped.put(name, each.apply(value)));
    return mapped;
  }

  private static Class<? extends AgentConfig> configType(String type) {
    if (type == null) {
      return null;
    }
    return switch (type) {
      case HTTP -> HttpAgentConfig.class;
      case COGNIGY_REST -> CognigyRestAgentConfig.class;
      case OPENAI_CHAT -> OpenAiChatAgentConfig.class;
      default -> null;
    };
  }
}
