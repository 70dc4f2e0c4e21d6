package dev.agentsim.api.feather;

import dev.agentsim.api.batch.BatchScheduler;
import dev.agentsim.api.batch.ScheduleRequest;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feather simulation runs. A Feather run is a batch of one run: the batch is the run Feather
 * dispatches and polls ({@code id}), its one conversation is Feather's session ({@code session_id}).
 * What the request resolved to is kept with the batch, so a run reads back as it was dispatched
 * even after the agent, persona or scenario changed.
 */
@Service
class FeatherRuns {

  /** Who made a batch: lists Feather runs apart from batches scheduled in other dialects. */
  /** Marks the batches of this dialect: each is one Feather run. */
  static final String END_POINT_TYPE = "feather";

  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final BatchScheduler scheduler;
  private final DefinitionRepository definitions;
  private final BatchRepository batches;
  private final RunRepository runs;
  private final JsonMapper json;

  FeatherRuns(BatchScheduler scheduler, DefinitionRepository definitions, BatchRepository batches,
      RunRepository runs, JsonMapper json) {
    this.scheduler = scheduler;
    this.definitions = definitions;
    this.batches = batches;
    this.runs = runs;
    this.json = json;
  }

  FeatherRunView dispatch(String projectId, FeatherDispatch request) {
    definitions.find(projectId, Kind.AGENT, request.agentId(), Map.class)
        .orElseThrow(() -> new NotFound("Agent " + request.agentId() + " not found"));
    AgentRevision revision = revision(request);
    Stored<ScenarioSpec> scenario = definitions
        .find(projectId, Kind.SCENARIO, request.scenarioId(), ScenarioSpec.class)
        .orElseThrow(() -> new NotFound("Scenario " + request.scenarioId() + " not found"));
    Stored<PersonaSpec> persona = definitions
        .find(projectId, Kind.PERSONA, request.personaId(), PersonaSpec.class)
        .orElseThrow(() -> new NotFound("Persona " + request.personaId() + " not found"));
    // A scenario names the persona that plays it; running it with another is not supported yet.
    if (!request.personaId().equals(scenario.spec().personaId())) {
      throw FeatherValidation.of(List.of("body", "persona_id"), "Value error, scenario " + request.scenarioId()
          + (scenario.spec().personaId() == null ? " embeds its own persona"
              : " is played by persona " + scenario.spec().personaId())
          + ": persona_id must be the persona the scenario names", "value_error");
    }
    Stored<ModelSpec> model = model(projectId, request.modelId());

    Map<String, Object> toolOverrides = toolOverrides(request.toolOverrides());
    Map<String, Object> snapshot = new LinkedHashMap<>();
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("id", request.agentId().toString());
    agent.put("revision_id", revision.id().toString());
    agent.put("revision", revision.number());
    agent.putAll(Secrets.redact(definitions.getAgentRevision(request.agentId(), revision.id(), Map.class)));
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

    Mocking mocking = request.toolOverrides() == null ? null : new Mocking(true, request.toolOverrides());
    Batch batch = scheduler.schedule(new ScheduleRequest(projectId, request.scenarioId(), request.agentId(),
        model.id(), "Feather run of " + scenario.spec().name(), 1, 1, false, 0, null, END_POINT_TYPE,
        new Session(null, null, null, Map.of()), runConfig, "feather", null, mocking, null, revision.id(), Map.of()));
    return view(batch);
  }

  Optional<Batch> find(String projectId, UUID id) {
    return scheduler.find(projectId, id).filter(batch -> END_POINT_TYPE.equals(batch.endPointType()));
  }

  List<FeatherRunView> list(String projectId, int limit, int offset) {
    return batches.page(projectId, END_POINT_TYPE, limit, offset).stream().map(this::view).toList();
  }

  int count(String projectId) {
    return batches.count(projectId, END_POINT_TYPE);
  }

  void cancel(Batch batch) {
    scheduler.stop(batch, "cancelled through the Feather API");
  }

  /** The pinned revision, which must be the agent's, or the agent's latest. */
  private AgentRevision revision(FeatherDispatch request) {
    if (request.agentRevisionId() == null) {
      return definitions.latestAgentRevision(request.agentId())
          .orElseThrow(() -> new IllegalStateException("Agent " + request.agentId() + " has no revision"));
    }
    return definitions.agentRevision(request.agentId(), request.agentRevisionId())
        .orElseThrow(() -> FeatherValidation.of(List.of("body", "agent_revision_id"),
            "Value error, " + request.agentRevisionId() + " is not a revision of agent " + request.agentId(),
            "value_error"));
  }

  /** The named model, or the organization's only one. */
  private Stored<ModelSpec> model(String projectId, UUID modelId) {
    if (modelId != null) {
      return definitions.find(projectId, Kind.MODEL, modelId, ModelSpec.class)
          .orElseThrow(() -> new NotFound("Model " + modelId + " not found"));
    }
    List<Stored<ModelSpec>> models = definitions.list(projectId, Kind.MODEL, ModelSpec.class, 2, 0);
    if (models.size() != 1) {
      throw FeatherValidation.of(List.of("body", "model_id"), "Field required: the organization has "
          + (models.isEmpty() ? "no model" : "several models") + ", model_id names the one to use", "missing");
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
    overrides.forEach((tool, override) -> {
      Map<String, Object> canned = new LinkedHashMap<>();
      canned.put("output", override.output());
      canned.put("error", override.error());
      canned.put("delay_ms", override.delayMs());
      wire.put(tool, canned);
    });
    return wire;
  }

  @SuppressWarnings("unchecked")
  FeatherRunView view(Batch batch) {
    Map<String, Object> dispatched = (Map<String, Object>) batch.runConfig().getOrDefault("feather", Map.of());
    Map<String, Object> snapshot = (Map<String, Object>) batch.runConfig().getOrDefault("inputs_snapshot", Map.of());
    UUID sessionId = UUID.fromString(BatchWorkflow.runId(batch.id().toString(), 0));
    Run run = runs.find(batch.id(), sessionId).orElse(null);
    return new FeatherRunView(
        batch.id().toString(),
        sessionId.toString(),
        organizationId(batch.projectId()).toString(),
        batch.agentId().toString(),
        (String) dispatched.get("agent_revision_id"),
        (String) dispatched.get("persona_id"),
        batch.scenarioId().toString(),
        (String) dispatched.get("channel"),
        (Map<String, Object>) dispatched.get("tool_overrides"),
        status(batch, run),
        timestamp(batch.startedAt()),
        timestamp(batch.completedAt()),
        errorText(batch, run),
        snapshot,
        timestamp(batch.createdAt()),
        null,
        null,
        batch.modelId().toString(),
        (Integer) dispatched.get("agent_revision"),
        run == null || run.verdict() == null ? null : run.verdict().name(),
        run == null || run.terminationReason() == null ? null : run.terminationReason().name(),
        run == null ? List.of() : run.results().stream()
            .map(r -> new FeatherRunView.Result(r.type(), r.params(), r.passed(), r.reason()))
            .toList(),
        run == null ? List.of() : run.turns().stream()
            .map(t -> new FeatherRunView.Message(t.sequence() + 1, t.role(), t.text(), t.latencyMs(),
                timestamp(t.createdAt())))
            .toList());
  }

  /**
   * Feather's run lifecycle. A run that could not be carried through (the agent or the model kept
   * failing: verdict ERROR) has failed; one judged SUCCESS or FAILED has completed, its verdict says how.
   */
  private static String status(Batch batch, Run run) {
    return switch (batch.status()) {
      case PENDING -> "pending";
      case RUNNING -> "running";
      case STOPPED -> "cancelled";
      case FAILED -> "failed";
      case COMPLETED -> run != null && run.verdict() == Verdict.ERROR ? "failed" : "completed";
    };
  }

  private static String errorText(Batch batch, Run run) {
    if (run != null && run.verdict() == Verdict.ERROR && run.errorMessage() != null) {
      return run.errorMessage();
    }
    if (batch.status() == BatchStatus.FAILED) {
      return "The run did not finish" + (batch.stopReason() == null ? "" : ": " + batch.stopReason().name());
    }
    return null;
  }

  /**
   * Feather's organization ids are UUIDs, project ids here are any text: a project whose id is a
   * UUID is that organization, any other gets a stable name-based UUID.
   */
  static UUID organizationId(String projectId) {
    try {
      if (projectId.length() == 36) {
        return UUID.fromString(projectId);
      }
    } catch (IllegalArgumentException e) {
      // not a UUID: derived below
    }
    return UUID.nameUUIDFromBytes(("project:" + projectId).getBytes(StandardCharsets.UTF_8));
  }

  private static String timestamp(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
