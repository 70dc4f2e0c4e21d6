package dev.agentsim.api.interactly;

import dev.agentsim.api.Ids;
import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Maps an Interactly simulation request to the command that starts its batch: the workflows it
 * names resolved in the team, and the implicit scenario made for it (see {@link
 * InteractlySimulationController}).
 */
@Component
class InteractlyCommands {

  private static final String NEUTRAL_MISSION = "Talk with the agent as an ordinary user would.";

  private final DefinitionRepository definitions;

  InteractlyCommands(DefinitionRepository definitions) {
    this.definitions = definitions;
  }

  /**
   * The command, after storing the implicit scenario it runs; {@link #discard} it if the batch does
   * not start.
   */
  StartBatch of(String project, InteractlyRequest request) {
    Map<String, String> counterVariables = strings(request.counter().dynamicVariables());
    Stored<AgentSpec> selected =
        agent(project, request.selected().workflowId())
            .orElseThrow(() -> notFound("selected_workflow", request.selected().workflowId()));
    Optional<Stored<AgentSpec>> counterAgent = agent(project, request.counter().workflowId());
    Stored<PersonaSpec> counterPersona =
        counterAgent.isPresent()
            ? null
            : Ids.parse(request.counter().workflowId())
                .flatMap(id -> definitions.find(project, Kind.PERSONA, id, PersonaSpec.class))
                .orElseThrow(() -> notFound("counter_workflow", request.counter().workflowId()));
    UUID modelId = model(project, request, counterPersona != null);

    String counterName =
        counterAgent.map(a -> a.spec().name()).orElseGet(() -> counterPersona.spec().name());
    ScenarioSpec scenario =
        new ScenarioSpec(
            "Interactly simulation: " + selected.spec().name() + " and " + counterName,
            counterPersona == null
                ? new Persona("Counter agent", "Another agent plays this side of the conversation")
                : null,
            request.description() == null || request.description().isBlank()
                ? NEUTRAL_MISSION
                : request.description(),
            List.of(),
            request.maxEvents(),
            "user",
            null,
            counterPersona == null ? null : counterPersona.id(),
            null,
            null,
            null);
    UUID scenarioId = definitions.insert(project, Kind.SCENARIO, scenario).id();
    return new StartBatch(
        project,
        scenarioId,
        selected.id(),
        modelId,
        request.logicalId() != null ? request.logicalId() : scenario.name(),
        request.numberOfSimulations(),
        StartBatch.DEFAULT_CONCURRENCY,
        request.stopOnFailure(),
        request.timeoutSeconds() == null ? 0 : request.timeoutSeconds(),
        request.maxEvents(),
        InteractlySimulationController.END_POINT_TYPE,
        new Session(null, null, null, request.selected().dynamicVariables()),
        config(request, modelId, selected.spec().name(), counterName, counterVariables),
        "api",
        counterVariables,
        null,
        counterAgent.map(Stored::id).orElse(null),
        null,
        Map.of(),
        null,
        null);
  }

  /** Removes the implicit scenario of a command whose batch did not start. */
  void discard(StartBatch command) {
    definitions.delete(command.projectId(), Kind.SCENARIO, command.scenarioId());
  }

  private Optional<Stored<AgentSpec>> agent(String project, String workflowId) {
    return Ids.parse(workflowId)
        .flatMap(id -> definitions.find(project, Kind.AGENT, id, AgentSpec.class));
  }

  /**
   * The model playing a persona: the one named, else the team's only one; with an agent as
   * counterpart it only reads the runs.
   */
  private UUID model(String project, InteractlyRequest request, boolean personaCounter) {
    if (request.modelId() == null) {
      if (!personaCounter) {
        return null;
      }
      List<Stored<ModelSpec>> models = definitions.list(project, Kind.MODEL, ModelSpec.class, 2, 0);
      if (models.size() != 1) {
        throw new FieldError(
            "model_id",
            "missing",
            "Field required: a model plays the persona named by "
                + "counter_workflow.workflow_id, and the team has "
                + (models.isEmpty() ? "no model" : "several models"));
      }
      return models.get(0).id();
    }
    return Ids.parse(request.modelId())
        .flatMap(id -> definitions.find(project, Kind.MODEL, id, ModelSpec.class))
        .map(Stored::id)
        .orElseThrow(() -> new NotFound("model_id: model " + request.modelId() + " not found"));
  }

  private static NotFound notFound(String field, String workflowId) {
    return new NotFound(
        field
            + ".workflow_id: no agent"
            + (field.equals("counter_workflow") ? " or persona" : "")
            + " "
            + workflowId
            + " in this team");
  }

  /** The request as it is read back, with the workflows' names as they were when it was made. */
  private static Map<String, Object> config(
      InteractlyRequest request,
      UUID modelId,
      String selectedName,
      String counterName,
      Map<String, String> counterVariables) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("logical_id", request.logicalId());
    config.put("description", request.description());
    config.put(
        InteractlyViews.SELECTED,
        workflow(
            request.selected().workflowId(), request.selected().dynamicVariables(), selectedName));
    config.put(
        InteractlyViews.COUNTER,
        workflow(request.counter().workflowId(), counterVariables, counterName));
    config.put("timeout_seconds", request.timeoutSeconds());
    config.put("max_events", request.maxEvents());
    config.put("stop_on_failure", request.stopOnFailure());
    config.put("model_id", modelId == null ? null : modelId.toString());
    return config;
  }

  private static Map<String, Object> workflow(
      String workflowId, Map<String, ?> variables, String name) {
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("workflow_id", workflowId);
    workflow.put("dynamic_variables", variables);
    workflow.put("name", name);
    return workflow;
  }

  /** The counterpart's variables fill placeholders and reach a counter agent: scalars, as text. */
  private static Map<String, String> strings(Map<String, Object> variables) {
    Map<String, String> strings = new LinkedHashMap<>();
    variables.forEach(
        (key, value) -> {
          if (value instanceof Map || value instanceof List) {
            throw new FieldError(
                "counter_workflow.dynamic_variables." + key,
                "string_type",
                "Input should be a string, a number or a boolean");
          }
          strings.put(key, value == null ? "" : String.valueOf(value));
        });
    return strings;
  }
}
