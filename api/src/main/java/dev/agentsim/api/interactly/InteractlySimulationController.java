package dev.agentsim.api.interactly;

import dev.agentsim.api.Ids;
import dev.agentsim.api.batch.BatchScheduler;
import dev.agentsim.api.batch.ScheduleRequest;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.interactly.InteractlyViews.Envelope;
import dev.agentsim.api.interactly.InteractlyViews.Page;
import dev.agentsim.api.interactly.InteractlyViews.SimulationsModel;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Interactly's simulations: {@code selected_workflow} (the agent under test) against
 * {@code counter_workflow}, which is another agent or a persona (then played by the model named by
 * the extension {@code model_id}, else the team's only model). A simulation is a batch of an implicit scenario made for it: the
 * {@code description} as mission, the counter persona (a neutral one when an agent plays the user),
 * no success criteria, as many turns as {@code max_events} allows. The selected workflow's
 * {@code dynamic_variables} are sent to it as data with every message; the counter workflow's are
 * the counter agent's data, or fill the persona's and mission's placeholders.
 *
 * <p>Interactly's team is our project: the {@code team_id} query parameter, else the
 * {@code X-Team-Id} header, else {@code simulator.interactly.default-team-id}.
 */
@RestController
public class InteractlySimulationController {

  public static final String END_POINT_TYPE = "interactly";
  private static final String PATH = "/workflows/v1/simulations";
  private static final String NEUTRAL_MISSION = "Talk with the agent as an ordinary user would.";

  private final BatchScheduler scheduler;
  private final BatchRepository batches;
  private final RunRepository runs;
  private final TurnRepository turns;
  private final DefinitionRepository definitions;
  private final String defaultTeam;

  public InteractlySimulationController(BatchScheduler scheduler, BatchRepository batches, RunRepository runs,
      TurnRepository turns, DefinitionRepository definitions,
      @Value("${simulator.interactly.default-team-id:default}") String defaultTeam) {
    this.scheduler = scheduler;
    this.batches = batches;
    this.runs = runs;
    this.turns = turns;
    this.definitions = definitions;
    this.defaultTeam = defaultTeam;
  }

  @PostMapping(PATH)
  public Envelope create(@RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @RequestBody(required = false) Map<String, Object> body) {
    String project = team(teamId, teamHeader);
    InteractlyRequest request = InteractlyRequest.parse(body);
    Map<String, String> counterVariables = strings(request.counter().dynamicVariables());
    Stored<AgentSpec> selected = agent(project, request.selected().workflowId())
        .orElseThrow(() -> notFound("selected_workflow", request.selected().workflowId()));
    Optional<Stored<AgentSpec>> counterAgent = agent(project, request.counter().workflowId());
    Stored<PersonaSpec> counterPersona = counterAgent.isPresent() ? null
        : Ids.parse(request.counter().workflowId())
            .flatMap(id -> definitions.find(project, Kind.PERSONA, id, PersonaSpec.class))
            .orElseThrow(() -> notFound("counter_workflow", request.counter().workflowId()));
    UUID modelId = model(project, request, counterPersona != null);

    String counterName = counterAgent.map(a -> a.spec().name()).orElseGet(() -> counterPersona.spec().name());
    ScenarioSpec scenario = new ScenarioSpec(
        "Interactly simulation: " + selected.spec().name() + " and " + counterName,
        counterPersona == null ? new Persona("Counter agent", "Another agent plays this side of the conversation")
            : null,
        request.description() == null || request.description().isBlank() ? NEUTRAL_MISSION : request.description(),
        List.of(), request.maxEvents(), "user", null, counterPersona == null ? null : counterPersona.id(), null, null,
        null);
    UUID scenarioId = definitions.insert(project, Kind.SCENARIO, scenario).id();
    try {
      Batch batch = scheduler.schedule(new ScheduleRequest(project, scenarioId, selected.id(), modelId,
          request.logicalId() != null ? request.logicalId() : scenario.name(), request.numberOfSimulations(),
          ScheduleRequest.DEFAULT_CONCURRENCY, request.stopOnFailure(),
          request.timeoutSeconds() == null ? 0 : request.timeoutSeconds(), request.maxEvents(), END_POINT_TYPE,
          new Session(null, null, null, request.selected().dynamicVariables()),
          config(request, modelId, selected.spec().name(), counterName, counterVariables), "api", counterVariables,
          null, counterAgent.map(Stored::id).orElse(null), null, Map.of()));
      return new Envelope(view(batch));
    } catch (RuntimeException e) {
      definitions.delete(project, Kind.SCENARIO, scenarioId);
      throw e;
    }
  }

  @GetMapping(PATH + "/{simulationId}")
  public Envelope get(@RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader, @PathVariable String simulationId) {
    return new Envelope(view(find(team(teamId, teamHeader), simulationId)));
  }

  /** Newest first, {@code skip} and {@code limit} (1 to 100, default 20) as Interactly's lists take them. */
  @GetMapping(PATH)
  public Page list(@RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @RequestParam(required = false) String skip, @RequestParam(required = false) String limit) {
    String project = team(teamId, teamHeader);
    int offset = integer("skip", skip, 0, 0, Integer.MAX_VALUE);
    int size = integer("limit", limit, 20, 1, 100);
    List<SimulationsModel> page = batches.page(project, END_POINT_TYPE, size, offset).stream()
        .map(this::view).toList();
    return new Page(page, batches.count(project, END_POINT_TYPE), offset, size);
  }

  /** Asks the simulation to stop; it reads {@code cancelled} once its runs in flight have stopped. */
  @PostMapping(PATH + "/{simulationId}/cancel")
  public Envelope cancel(@RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader, @PathVariable String simulationId) {
    Batch batch = find(team(teamId, teamHeader), simulationId);
    scheduler.stop(batch, "cancelled through the Interactly API");
    return new Envelope(view(batch));
  }

  private String team(String teamId, String teamHeader) {
    return team(teamId, teamHeader, defaultTeam);
  }

  /** The project a request names; authorization reads it from here too, so that both agree. */
  public static String team(String teamId, String teamHeader, String defaultTeam) {
    if (teamId != null && !teamId.isBlank()) {
      return teamId;
    }
    return teamHeader != null && !teamHeader.isBlank() ? teamHeader : defaultTeam;
  }

  private Batch find(String project, String simulationId) {
    NotFound notFound = new NotFound("Simulation " + simulationId + " not found");
    Batch batch = Ids.parse(simulationId).flatMap(id -> scheduler.find(project, id)).orElseThrow(() -> notFound);
    if (!END_POINT_TYPE.equals(batch.endPointType())) {
      throw notFound;
    }
    return batch;
  }

  private SimulationsModel view(Batch batch) {
    String latestRun = runs.page(batch.id(), null, RunSort.SEQUENCE, false, 1, 0).stream()
        .findFirst().map(Run::id).map(UUID::toString).orElse(null);
    return InteractlyViews.simulation(batch, turns.messageTotals(batch.id()), latestRun);
  }

  private Optional<Stored<AgentSpec>> agent(String project, String workflowId) {
    return Ids.parse(workflowId).flatMap(id -> definitions.find(project, Kind.AGENT, id, AgentSpec.class));
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
        throw new FieldError("model_id", "missing", "Field required: a model plays the persona named by "
            + "counter_workflow.workflow_id, and the team has " + (models.isEmpty() ? "no model" : "several models"));
      }
      return models.get(0).id();
    }
    return Ids.parse(request.modelId())
        .flatMap(id -> definitions.find(project, Kind.MODEL, id, ModelSpec.class))
        .map(Stored::id)
        .orElseThrow(() -> new NotFound("model_id: model " + request.modelId() + " not found"));
  }

  private static NotFound notFound(String field, String workflowId) {
    return new NotFound(field + ".workflow_id: no agent" + (field.equals("counter_workflow") ? " or persona" : "")
        + " " + workflowId + " in this team");
  }

  /** The request as it is read back, with the workflows' names as they were when it was made. */
  private static Map<String, Object> config(InteractlyRequest request, UUID modelId, String selectedName,
      String counterName, Map<String, String> counterVariables) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("logical_id", request.logicalId());
    config.put("description", request.description());
    config.put(InteractlyViews.SELECTED, workflow(request.selected().workflowId(),
        request.selected().dynamicVariables(), selectedName));
    config.put(InteractlyViews.COUNTER, workflow(request.counter().workflowId(), counterVariables, counterName));
    config.put("timeout_seconds", request.timeoutSeconds());
    config.put("max_events", request.maxEvents());
    config.put("stop_on_failure", request.stopOnFailure());
    config.put("model_id", modelId == null ? null : modelId.toString());
    return config;
  }

  private static Map<String, Object> workflow(String workflowId, Map<String, ?> variables, String name) {
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("workflow_id", workflowId);
    workflow.put("dynamic_variables", variables);
    workflow.put("name", name);
    return workflow;
  }

  /** The counterpart's variables fill placeholders and reach a counter agent: scalars, as text. */
  private static Map<String, String> strings(Map<String, Object> variables) {
    Map<String, String> strings = new LinkedHashMap<>();
    variables.forEach((key, value) -> {
      if (value instanceof Map || value instanceof List) {
        throw new FieldError("counter_workflow.dynamic_variables." + key, "string_type",
            "Input should be a string, a number or a boolean");
      }
      strings.put(key, value == null ? "" : String.valueOf(value));
    });
    return strings;
  }

  private static int integer(String field, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new FieldError("query." + field, "int_parsing",
          "Input should be a valid integer, unable to parse string as an integer");
    }
    if (number < min || number > max) {
      throw new FieldError("query." + field, number < min ? "greater_than_equal" : "less_than_equal",
          "Input should be between " + min + " and " + max);
    }
    return number;
  }
}
