package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.interactly.InteractlySimulationController;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Expressions;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.definition.Stored;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenarios: persona (embedded, or a stored one by id), mission, success criteria and limits. They
 * hold no secrets. The list leaves out the scenarios the Interactly dialect makes for each of its
 * simulations (it has no scenarios of its own); each is still read by its id, which the simulation
 * shows as {@code scenario_id}.
 */
@RestController
@RequestMapping("/v1/scenarios")
@Tag(name = "Scenarios", description = "A persona, a mission, success criteria and limits")
public class ScenarioController extends DefinitionController<ScenarioSpec> {

  private final DefinitionRepository repository;

  public ScenarioController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.SCENARIO, ScenarioSpec.class);
    this.repository = repository;
  }

  @Override
  protected List<Stored<ScenarioSpec>> page(String projectId, int limit, int skip) {
    return repository.listScenariosExceptImplicit(
        projectId, InteractlySimulationController.END_POINT_TYPE, limit, skip);
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
        && repository
            .find(projectId, Kind.PERSONA, spec.personaId(), PersonaSpec.class)
            .isEmpty()) {
      throw new FieldError(
          "personaId", "NOT_FOUND", "Persona " + spec.personaId() + " not found in this project");
    }
    if (spec.dynamicVariables() != null) {
      spec.dynamicVariables()
          .forEach(
              (name, value) -> {
                if (value == null) {
                  throw new FieldError(
                      "dynamicVariables." + name,
                      "INVALID_TYPE",
                      "dynamicVariables." + name + " must be a string");
                }
              });
    }
    if (spec.minTurnsOrDefault() > spec.maxTurnsOrDefault()) {
      throw new FieldError(
          "minTurns",
          "OUT_OF_RANGE",
          "minTurns must not exceed maxTurns (" + spec.maxTurnsOrDefault() + ")");
    }
    if (spec.firstMessage() != null && spec.scripted()) {
      throw new FieldError(
          "firstMessage",
          "CONFLICT",
          "A scripted user says its first line: give firstMessage or script");
    }
    List<Criterion> criteria = spec.criteria();
    for (int i = 0; i < criteria.size(); i++) {
      expressions("successCriteria[" + i + "].params", criteria.get(i));
    }
  }

  /**
   * A criterion's pattern or JsonPath, compiled as it will run: what does not compile would only
   * fail the runs.
   */
  private static void expressions(String params, Criterion criterion) {
    Map<String, Object> values = criterion.params() == null ? Map.of() : criterion.params();
    try {
      switch (criterion.type()) {
        case "regex" ->
            Expressions.regex(required(params + ".pattern", values.get("pattern")), true);
        case "json_path" -> Expressions.jsonPath(required(params + ".path", values.get("path")));
        default -> {}
      }
    } catch (IllegalArgumentException e) {
      String field = params + ("regex".equals(criterion.type()) ? ".pattern" : ".path");
      throw new FieldError(field, "INVALID_VALUE", field + " " + e.getMessage());
    }
  }

  private static String required(String field, Object value) {
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new FieldError(field, "REQUIRED", field + " is required, as a non-empty string");
    }
    return text;
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
