package dev.agentsim.api.definition;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Scenarios: persona, mission, success criteria and limits. They hold no secrets. */
@RestController
@RequestMapping("/v1/scenarios")
public class ScenarioController extends DefinitionController<ScenarioSpec> {

  public ScenarioController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.SCENARIO, ScenarioSpec.class);
  }

  @Override
  protected ScenarioSpec redact(ScenarioSpec spec) {
    return spec;
  }

  @Override
  protected ScenarioSpec keepSecrets(ScenarioSpec stored, ScenarioSpec update) {
    return update;
  }
}
