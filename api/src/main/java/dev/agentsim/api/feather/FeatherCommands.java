package dev.agentsim.api.feather;

import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps a Feather dispatch to the command that starts its batch: a Feather run is a batch of one
 * run. What the request resolved to is kept with the batch, so a run reads back as it was
 * dispatched even after the agent, persona or scenario changed.
 */
@Component
class FeatherCommands {

  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final DefinitionRepository definitions;
  private final JsonMapper json;

  FeatherCommands(DefinitionRepository definitions, JsonMapper json) {
    this.definitions = definitions;
    this.json = json;
  }

  StartBatch of(String projectId, FeatherDispatch request) {
    if (definitions.find(projectId, Kind.AGENT, request.agentId(), Map.class).isEmpty()) {
      throw new NotFound("Agent " + request.agentId() + " not found");
    }
    AgentRevision revision = revision(request);
    Stored<ScenarioSpec> scenario =
        definitions
            .find(projectId, Kind.SCENARIO, request.scenarioId(), ScenarioSpec.class)
            .orElseThrow(() -> new NotFound("Scenario " + request.scenarioId() + " not found"));
    Stored<PersonaSpec> persona =
        definitions
            .find(projectId, Kind.PERSONA, request.personaId(), PersonaSpec.class)
            .orElseThrow(() -> new NotFound("Persona " + request.personaId() + " not found"));
    // A scenario names the persona that plays it; running it with another is not supported yet.
    if (!request.personaId().equals(scenario.spec().personaId())) {
      throw FeatherValidation.of(
          List.of("body", "persona_id"),
          "Value error, scenario "
              + request.scenarioId()
              + (scenario.spec().personaId() == null
                  ? " embeds its own persona"
                  : " is played by persona " + scenario.spec().personaId())
              + ": persona_id must be the persona the scenario names",
          "value_error");
    }
    Stored<ModelSpec> model = model(projectId, request.modelId());

    Map<String, Object> toolOverrides = toolOverrides(request.toolOverrides());
    Map<String, Object> snapshot = new LinkedHashMap<>();
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("id", request.agentId().toString());
    agent.put("revision_id", revision.id().toString());
    agent.put("revision", revision.number());
    agent.putAll(
        Secrets.redact(definitions.getAgentRevision(request.agentId(), revision.id(), Map.class)));
    snapshot.put("agent", agent);
    snapshot.put("persona", withId(persona.id(), persona.spec()));
    snapshot.put("scenario", withId(scenario.id(), scenario.spec()));
    snapshot.put("model", withId(model.id(), model.spec()));
    snapshot.put("channel", request.channel());
    snapshot.put("tool_overrides", toolOverrides);

    Map<String, Object> dispatched = new LinkedHashMap<>();
    dispatched.put("agent_revision_id", revision.id().toString());
    dispatched.put("agent_revision", revision.number());
    dispatched.put("persona_id", request.personaId().toString());
    dispatched.put("channel", request.channel());
    dispatched.put("tool_overrides", toolOverrides);
    Map<String, Object> runConfig = new LinkedHashMap<>();
    runConfig.put("feather", dispatched);
    runConfig.put("inputs_snapshot", snapshot);

    Mocking mocking =
        request.toolOverrides() == null ? null : new Mocking(true, request.toolOverrides());
    return new StartBatch(
        projectId,
        request.scenarioId(),
        request.agentId(),
        model.id(),
        "Feather run of " + scenario.spec().name(),
        1,
        1,
        false,
        0,
        null,
        FeatherRunController.END_POINT_TYPE,
        new Session(null, null, null, Map.of()),
        runConfig,
        "feather",
        null,
        mocking,
        null,
        revision.id(),
        Map.of(),
        null,
        null);
  }

  /** The pinned revision, which must be the agent's, or the agent's latest. */
  private AgentRevision revision(FeatherDispatch request) {
    if (request.agentRevisionId() == null) {
      return definitions
          .latestAgentRevision(request.agentId())
          .orElseThrow(
              () -> new IllegalStateException("Agent " + request.agentId() + " has no revision"));
    }
    return definitions
        .agentRevision(request.agentId(), request.agentRevisionId())
        .orElseThrow(
            () ->
                FeatherValidation.of(
                    List.of("body", "agent_revision_id"),
                    "Value error, "
                        + request.agentRevisionId()
                        + " is not a revision of agent "
                        + request.agentId(),
                    "value_error"));
  }

  /** The named model, or the organization's only one. */
  private Stored<ModelSpec> model(String projectId, UUID modelId) {
    if (modelId != null) {
      return definitions
          .find(projectId, Kind.MODEL, modelId, ModelSpec.class)
          .orElseThrow(() -> new NotFound("Model " + modelId + " not found"));
    }
    List<Stored<ModelSpec>> models = definitions.list(projectId, Kind.MODEL, ModelSpec.class, 2, 0);
    if (models.size() != 1) {
      throw FeatherValidation.of(
          List.of("body", "model_id"),
          "Field required: the organization has "
              + (models.isEmpty() ? "no model" : "several models")
              + ", model_id names the one to use",
          "missing");
    }
    return models.get(0);
  }

  private Map<String, Object> withId(UUID id, Object spec) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("id", id.toString());
    object.putAll(Secrets.redact(json.convertValue(spec, OBJECT)));
    object.values().removeIf(Objects::isNull);
    return object;
  }

  private static Map<String, Object> toolOverrides(Map<String, ToolOverride> overrides) {
    if (overrides == null) {
      return null;
    }
    Map<String, Object> wire = new LinkedHashMap<>();
    overrides.forEach(
        (tool, override) -> {
          Map<String, Object> canned = new LinkedHashMap<>();
          canned.put("output", override.output());
          canned.put("error", override.error());
          canned.put("delay_ms", override.delayMs());
          wire.put(tool, canned);
        });
    return wire;
  }
}
