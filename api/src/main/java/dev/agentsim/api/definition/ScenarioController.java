package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenarios: persona (embedded, or a stored one by id), mission, success criteria and limits. They
 * hold no secrets.
 */
@RestController
@RequestMapping("/v1/scenarios")
public class ScenarioController extends DefinitionController<ScenarioSpec> {

  private final DefinitionRepository repository;

  public ScenarioController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.SCENARIO, ScenarioSpec.class);
    this.repository = repository;
  }

  @Override
  protected void check(String projectId, ScenarioSpec spec) {
    if (spec.persona() == null && spec.personaId() == null) {
      throw new FieldError("persona", "REQUIRED", "persona or personaId is required");
    }
    if (spec.persona() != null && spec.personaId() != null) {
      throw new FieldError("personaId", "CONFLICT", "Give either persona or personaId, not both");
    }
    if (spec.personaId() != null
        && repository.find(projectId, Kind.PERSONA, spec.personaId(), PersonaSpec.class).isEmpty()) {
      throw new FieldError("personaId", "NOT_FOUND", "Persona " + spec.personaId() + " not found in this project");
    }
    if (spec.dynamicVariables() != null) {
      spec.dynamicVariables().forEach((name, value) -> {
        if (value == null) {
          throw new FieldError("dynamicVariables." + name, "INVALID_TYPE", "dynamicVariables." + name + " must be a string");
        }
      });
    }
    if (spec.minTurnsOrDefault() > spec.maxTurnsOrDefault()) {
      throw new FieldError("minTurns", "OUT_OF_RANGE",
          "minTurns must not exceed maxTurns (" + spec.maxTurnsOrDefault() + ")");
    }
    if (spec.firstMessage() != null && spec.scripted()) {
      throw new FieldError("firstMessage", "CONFLICT", "A scripted user says its first line: give firstMessage or script");
    }
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
