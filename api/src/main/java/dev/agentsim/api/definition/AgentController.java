package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.CognigyRestAgentConfig;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Expressions;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.secret.SecretBox;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agents under test. Header values (tokens, keys) of {@code http} and {@code cognigy-rest} agents
 * are secrets: returned masked. An {@code openai-chat} agent holds no secret of its own; its
 * model's key stays with the model.
 */
@RestController
@RequestMapping("/v1/agents")
@Tag(
    name = "Agents",
    description =
        "Agents under test: HTTP webhooks, Cognigy REST endpoints, or a prompt with tools")
public class AgentController extends DefinitionController<AgentSpec> {

  /**
   * What a secret header value reads as; sent back unchanged on update, it keeps the stored value.
   */
  static final String MASK = "********";

  private final DefinitionRepository repository;
  private final OutboundPolicy outbound;

  public AgentController(
      DefinitionRepository repository, JsonMapper json, OutboundPolicy outbound) {
    super(repository, json, Kind.AGENT, AgentSpec.class);
    this.repository = repository;
    this.outbound = outbound;
  }

  @Override
  protected void check(String projectId, AgentSpec spec) {
    Map<String, String> headers = headers(spec);
    if (headers != null) {
      headers.forEach(
          (name, value) -> {
            // The sealed form is the service's own: taken from a client, the service would unseal
            // and send whatever sealed value (another project's, say) it was handed.
            if (SecretBox.isSealed(value)) {
              throw new FieldError(
                  "config.headers." + name,
                  "INVALID_VALUE",
                  "config.headers." + name + " must not start with " + SecretBox.PREFIX);
            }
          });
    }
    if (spec.config() instanceof OpenAiChatAgentConfig chat
        && repository.find(projectId, Kind.MODEL, chat.modelId(), ModelSpec.class).isEmpty()) {
      throw new FieldError(
          "config.modelId", "NOT_FOUND", "Model " + chat.modelId() + " not found in this project");
    }
    if (spec.config() instanceof HttpAgentConfig http) {
      Urls.check(outbound, "config.url", http.url());
      requestTemplate(http);
      jsonPath("config.replyTextPath", http.replyTextPath());
      jsonPath("config.replyDataPath", http.replyDataPath());
      jsonPath("config.endedPath", http.endedPath());
    }
    if (spec.config() instanceof CognigyRestAgentConfig cognigy) {
      Urls.check(outbound, "config.url", cognigy.url());
    }
  }

  private static void requestTemplate(HttpAgentConfig http) {
    if (!http.templateHasValidType()) {
      throw new FieldError(
          "config.requestTemplate",
          "INVALID_TYPE",
          "config.requestTemplate must be a JSON object, an array, or the same written as a string");
    }
    Set<String> unknown = http.unknownPlaceholders();
    if (!unknown.isEmpty()) {
      throw new FieldError(
          "config.requestTemplate",
          "INVALID_VALUE",
          "config.requestTemplate uses unknown "
              + "placeholders "
              + unknown.stream().map(name -> "{{" + name + "}}").toList()
              + "; known are "
              + new TreeSet<>(HttpAgentConfig.PLACEHOLDERS));
    }
  }

  private static void jsonPath(String field, String path) {
    if (path == null || path.isBlank()) {
      return;
    }
    try {
      Expressions.jsonPath(path);
    } catch (IllegalArgumentException e) {
      throw new FieldError(field, "INVALID_VALUE", field + " " + e.getMessage());
    }
  }

  @Override
  protected AgentSpec redact(AgentSpec spec) {
    return withHeaders(spec, mask(headers(spec)));
  }

  @Override
  protected AgentSpec keepSecrets(AgentSpec stored, AgentSpec update) {
    Map<String, String> headers = headers(update);
    Map<String, String> storedHeaders = headers(stored);
    if (headers == null || storedHeaders == null) {
      return update;
    }
    Map<String, String> kept = new LinkedHashMap<>(headers);
    kept.replaceAll((name, value) -> MASK.equals(value) ? storedHeaders.get(name) : value);
    return withHeaders(update, kept);
  }

  static Map<String, String> headers(AgentSpec spec) {
    if (spec.config() instanceof HttpAgentConfig http) {
      return http.headers();
    }
    if (spec.config() instanceof CognigyRestAgentConfig cognigy) {
      return cognigy.headers();
    }
    return null;
  }

  private static Map<String, String> mask(Map<String, String> headers) {
    if (headers == null) {
      return null;
    }
    Map<String, String> masked = new LinkedHashMap<>(headers);
    masked.replaceAll((name, value) -> MASK);
    return masked;
  }

  static AgentSpec withHeaders(AgentSpec spec, Map<String, String> headers) {
    if (spec.config() instanceof HttpAgentConfig c) {
      return new AgentSpec(
          spec.name(),
          spec.type(),
          new HttpAgentConfig(
              c.url(),
              c.method(),
              headers,
              c.timeoutMs(),
              c.requestTemplate(),
              c.replyTextPath(),
              c.replyDataPath(),
              c.endedPath()));
    }
    if (spec.config() instanceof CognigyRestAgentConfig c) {
      return new AgentSpec(
          spec.name(), spec.type(), new CognigyRestAgentConfig(c.url(), headers, c.timeoutMs()));
    }
    return spec;
  }
}
