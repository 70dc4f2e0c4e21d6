package dev.agentsim.api.definition;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** LLM configurations. The API key is write-only. */
@RestController
@RequestMapping("/v1/models")
public class ModelController extends DefinitionController<ModelSpec> {

  public ModelController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.MODEL, ModelSpec.class);
  }

  @Override
  protected ModelSpec redact(ModelSpec spec) {
    return spec.withApiKey(null);
  }

  @Override
  protected ModelSpec keepSecrets(ModelSpec stored, ModelSpec update) {
    return update.apiKey() == null ? update.withApiKey(stored.apiKey()) : update;
  }
}
