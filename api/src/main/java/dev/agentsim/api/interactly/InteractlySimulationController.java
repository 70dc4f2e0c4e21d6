package dev.agentsim.api.interactly;

import dev.agentsim.api.Ids;
import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.interactly.InteractlyViews.Envelope;
import dev.agentsim.api.interactly.InteractlyViews.Page;
import dev.agentsim.api.interactly.InteractlyViews.SimulationsModel;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.settings.SimulatorSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Interactly's simulations: {@code selected_workflow} (the agent under test) against {@code
 * counter_workflow}, which is another agent or a persona (then played by the model named by the
 * extension {@code model_id}, else the team's only model). A simulation is a batch of an implicit
 * scenario made for it: the {@code description} as mission, the counter persona (a neutral one when
 * an agent plays the user), no success criteria, as many turns as {@code max_events} allows. The
 * selected workflow's {@code dynamic_variables} are sent to it as data with every message; the
 * counter workflow's are the counter agent's data, or fill the persona's and mission's
 * placeholders.
 *
 * <p>Interactly's team is our project: the {@code team_id} query parameter, else the {@code
 * X-Team-Id} header, else {@code simulator.interactly.default-team-id}.
 */
@RestController
@Tag(
    name = "Interactly: simulations",
    description = "Interactly's API: an agent against a counter agent or persona")
public class InteractlySimulationController {

  public static final String END_POINT_TYPE = "interactly";
  private static final String PATH = "/workflows/v1/simulations";

  private final Batches batches;
  private final InteractlyCommands commands;
  private final String defaultTeam;

  InteractlySimulationController(
      Batches batches, InteractlyCommands commands, SimulatorSettings settings) {
    this.batches = batches;
    this.commands = commands;
    this.defaultTeam = settings.interactly().defaultTeamId();
  }

  @Operation(
      summary = "Create a simulation",
      description =
          "number_of_simulations runs of the selected workflow "
              + "against the counter workflow, going on in the background")
  @ApiResponse(responseCode = "200", description = "The simulation, pending")
  @ApiResponse(
      responseCode = "503",
      description = "Temporal did not take the simulation; nothing was started")
  @PostMapping(PATH)
  public Envelope create(
      @RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      schema = @Schema(implementation = InteractlySimulationBody.class),
                      examples =
                          @ExampleObject(
                              name = "Five runs against a counter workflow",
                              value =
                                  """
              {"logical_id": "pizza-check", "description": "Order a large pizza margherita",
               "selected_workflow": {"workflow_id": "<agent under test>", "dynamic_variables": {"tier": "gold"}},
               "counter_workflow": {"workflow_id": "<counter agent or persona>",
                                    "dynamic_variables": {"customer": "Ana"}},
               "model_id": "<a model of the team; may be left out when it has exactly one>",
               "max_events": 20, "number_of_simulations": 5, "stop_on_failure": false, "timeout_seconds": 600}""")))
          @RequestBody(required = false)
          Map<String, Object> body) {
    String project = team(teamId, teamHeader);
    StartBatch command = commands.of(project, InteractlyRequest.parse(body));
    try {
      return new Envelope(view(batches.start(command)));
    } catch (RuntimeException e) {
      commands.discard(command);
      throw e;
    }
  }

  @Operation(summary = "Read a simulation", description = "Its configuration, status and totals")
  @GetMapping(PATH + "/{simulationId}")
  public Envelope get(
      @RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @PathVariable String simulationId) {
    return new Envelope(view(find(team(teamId, teamHeader), simulationId)));
  }

  /**
   * Newest first, {@code skip} and {@code limit} (1 to 100, default 20) as Interactly's lists take
   * them.
   */
  @Operation(summary = "List simulations", description = "The team's simulations, newest first")
  @GetMapping(PATH)
  public Page list(
      @RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @RequestParam(required = false) String skip,
      @RequestParam(required = false) String limit) {
    String project = team(teamId, teamHeader);
    int offset = integer("skip", skip, 0, 0, Integer.MAX_VALUE);
    int size = integer("limit", limit, 20, 1, 100);
    List<SimulationsModel> page =
        batches.page(project, END_POINT_TYPE, size, offset).stream().map(this::view).toList();
    return new Page(page, batches.count(project, END_POINT_TYPE), offset, size);
  }

  /**
   * Asks the simulation to stop; it reads {@code cancelled} once its runs in flight have stopped.
   */
  @Operation(summary = "Cancel a simulation")
  @PostMapping(PATH + "/{simulationId}/cancel")
  public Envelope cancel(
      @RequestParam(name = "team_id", required = false) String teamId,
      @RequestHeader(name = "X-Team-Id", required = false) String teamHeader,
      @PathVariable String simulationId) {
    Batch batch = find(team(teamId, teamHeader), simulationId);
    batches.stop(batch, "cancelled through the Interactly API");
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
    Batch batch =
        Ids.parse(simulationId)
            .flatMap(id -> batches.find(project, id))
            .orElseThrow(() -> notFound);
    if (!END_POINT_TYPE.equals(batch.endPointType())) {
      throw notFound;
    }
    return batch;
  }

  private SimulationsModel view(Batch batch) {
    String latestRun =
        batches.runs(batch, null, RunSort.SEQUENCE, false, 1, 0).stream()
            .findFirst()
            .map(run -> run.run().id().toString())
            .orElse(null);
    return InteractlyViews.simulation(batch, batches.messageTotals(batch), latestRun);
  }

  private static int integer(String field, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new FieldError(
          "query." + field,
          "int_parsing",
          "Input should be a valid integer, unable to parse string as an integer");
    }
    if (number < min || number > max) {
      throw new FieldError(
          "query." + field,
          number < min ? "greater_than_equal" : "less_than_equal",
          "Input should be between " + min + " and " + max);
    }
    return number;
  }
}
