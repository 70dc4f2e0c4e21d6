package dev.agentsim.api.definition;

import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Agents under test. Header values (tokens, keys) are secrets: returned masked. */
@RestController
@RequestMapping("/v1/agents")
public class AgentController extends DefinitionController<AgentSpec> {

  /** What a secret header value reads as; sent back unchanged on update, it keeps the stored value. */
  static final String MASK = "********";

  public AgentController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.AGENT, AgentSpec.class);
  }

  @Override
  protected AgentSpec redact(AgentSpec spec) {
    return withHeaders(spec, mask(spec.config().headers()));
  }

  @Override
  protected AgentSpec keepSecrets(AgentSpec stored, AgentSpec update) {
    Map<String, String> headers = update.config().headers();
    if (headers == null || stored.config().headers() == null) {
      return update;
    }
    Map<String, String> kept = new LinkedHashMap<>(headers);
    kept.replaceAll((name, value) -> MASK.equals(value) ? stored.config().headers().get(name) : value);
    return withHeaders(update, kept);
  }

  private static Map<String, String> mask(Map<String, String> headers) {
    if (headers == null) {
      return null;
    }
    Map<String, String> masked = new LinkedHashMap<>(headers);
    masked.replaceAll((name, value) -> MASK);
    return masked;
  }

  private static AgentSpec withHeaders(AgentSpec spec, Map<String, String> headers) {
    HttpAgentConfig c = spec.config();
    return new AgentSpec(spec.name(), spec.type(), new HttpAgentConfig(c.url(), c.method(), headers,
        c.timeoutMs(), c.requestTemplate(), c.replyTextPath(), c.replyDataPath(), c.endedPath()));
  }
}
