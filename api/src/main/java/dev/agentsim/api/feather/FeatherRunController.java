package dev.agentsim.api.feather;

import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.feather.FeatherValidation.Detail;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.settings.SimulatorSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Feather's simulation runs: dispatch one ({@code POST /v1/simulation/runs}, as Feather's API
 * reference defines it), and the companions it lacks in the same style: read one, list them, cancel
 * one.
 *
 * <p>Feather scopes everything by {@code organization_id}; here that is a project, named by the
 * {@code x-organization-id} header or the {@code organization_id} query parameter, else {@code
 * simulator.feather.default-project}. The credential ({@code x-api-key}) is checked before, against
 * that project.
 */
@RestController
@Tag(
    name = "Feather: simulation runs",
    description = "Feather's API: one run of an agent, a persona and a scenario")
public class FeatherRunController {

  static final String PATH = "/v1/simulation/runs";

  /** Marks the batches of this dialect: each is one Feather run. */
  static final String END_POINT_TYPE = "feather";

  private final Batches batches;
  private final FeatherCommands commands;
  private final String defaultProject;

  FeatherRunController(Batches batches, FeatherCommands commands, SimulatorSettings settings) {
    this.batches = batches;
    this.commands = commands;
    this.defaultProject = settings.feather().defaultProject();
  }

  /** The list's body as the API document shows it. */
  @Schema(name = "SimulationRunList")
  record RunPage(List<FeatherRunView> items, int total, int limit, int offset) {}

  @Operation(
      summary = "Dispatch a simulation run",
      description =
          "One run of the agent against the persona in the "
              + "scenario, judged by the scenario's criteria when it ends")
  @ApiResponse(responseCode = "201", description = "The run, pending")
  @ApiResponse(responseCode = "400", description = "An id names nothing in the organization")
  @ApiResponse(
      responseCode = "503",
      description = "Temporal did not take the run; nothing was dispatched")
  @PostMapping(PATH)
  public ResponseEntity<FeatherRunView> dispatch(
      @RequestHeader(name = "x-organization-id", required = false) String organizationHeader,
      @RequestParam(name = "organization_id", required = false) String organizationParam,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      schema = @Schema(implementation = FeatherDispatchBody.class),
                      examples =
                          @ExampleObject(
                              name = "A text run with canned tool answers",
                              value =
                                  """
              {"agent_id": "00000000-0000-4000-8000-000000000001",
               "persona_id": "00000000-0000-4000-8000-000000000004",
               "scenario_id": "00000000-0000-4000-8000-000000000003",
               "channel": "text",
               "tool_overrides": {"lookup_booking": {"output": {"seat": "12A"}},
                                  "charge_card": {"error": "card declined", "delay_ms": 800}}}""")))
          @RequestBody(required = false)
          Object body) {
    FeatherDispatch request = FeatherDispatch.parse(body);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            view(
                batches.start(
                    commands.of(project(organizationHeader, organizationParam), request))));
  }

  @Operation(
      summary = "Read a simulation run",
      description = "Its status, timestamps, verdict and inputs")
  @GetMapping(PATH + "/{runId}")
  public FeatherRunView get(
      @RequestHeader(name = "x-organization-id", required = false) String organizationHeader,
      @RequestParam(name = "organization_id", required = false) String organizationParam,
      @PathVariable String runId) {
    return view(find(project(organizationHeader, organizationParam), runId));
  }

  /** Newest first, {@code limit} (1 to 100, default 20) at a time from {@code offset}. */
  @Operation(
      summary = "List simulation runs",
      description = "The organization's runs, newest first")
  @ApiResponse(
      responseCode = "200",
      description = "One page of runs",
      content = @Content(schema = @Schema(implementation = RunPage.class)))
  @GetMapping(PATH)
  public Map<String, Object> list(
      @RequestHeader(name = "x-organization-id", required = false) String organizationHeader,
      @RequestParam(name = "organization_id", required = false) String organizationParam,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    List<Detail> problems = new ArrayList<>();
    int pageSize = integer("limit", limit, 20, 1, 100, problems);
    int skip = integer("offset", offset, 0, 0, Integer.MAX_VALUE, problems);
    if (!problems.isEmpty()) {
      throw new FeatherValidation(problems);
    }
    String project = project(organizationHeader, organizationParam);
    Map<String, Object> page = new LinkedHashMap<>();
    page.put(
        "items",
        batches.page(project, END_POINT_TYPE, pageSize, skip).stream().map(this::view).toList());
    page.put("total", batches.count(project, END_POINT_TYPE));
    page.put("limit", pageSize);
    page.put("offset", skip);
    return page;
  }

  /**
   * Stops a pending or running run; it then reads {@code cancelled}. A finished run stays as it is.
   */
  @Operation(
      summary = "Cancel a simulation run",
      description =
          "A pending or running run stops and reads " + "cancelled; a finished one stays as it is")
  @ApiResponse(responseCode = "202", description = "The run, cancelling")
  @PostMapping(PATH + "/{runId}/cancel")
  public ResponseEntity<FeatherRunView> cancel(
      @RequestHeader(name = "x-organization-id", required = false) String organizationHeader,
      @RequestParam(name = "organization_id", required = false) String organizationParam,
      @PathVariable String runId) {
    Batch batch = find(project(organizationHeader, organizationParam), runId);
    batches.stop(batch, "cancelled through the Feather API");
    return ResponseEntity.accepted().body(view(batch));
  }

  private Batch find(String project, String runId) {
    UUID id;
    try {
      id = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw new FeatherValidation(
          List.of(
              new Detail(
                  List.of("path", "run_id"),
                  "Input should be a valid UUID",
                  "uuid_parsing",
                  runId,
                  null)));
    }
    return batches
        .find(project, id)
        .filter(batch -> END_POINT_TYPE.equals(batch.endPointType()))
        .orElseThrow(() -> FeatherError.notFound("Simulation run " + runId + " not found"));
  }

  private FeatherRunView view(Batch batch) {
    return FeatherViews.of(
        batch,
        batches.run(batch, FeatherViews.sessionId(batch)).map(Batches.RunUsage::run).orElse(null));
  }

  private String project(String header, String param) {
    return project(header, param, defaultProject);
  }

  /** The project a request names; authorization reads it from here too, so that both agree. */
  public static String project(String header, String param, String defaultProject) {
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    if (param != null && !param.isBlank()) {
      return param.trim();
    }
    return defaultProject;
  }

  private static int integer(
      String name, String value, int fallback, int min, int max, List<Detail> problems) {
    if (value == null) {
      return fallback;
    }
    List<Object> loc = List.of("query", name);
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      problems.add(
          new Detail(
              loc,
              "Input should be a valid integer, unable to parse string as an integer",
              "int_parsing",
              value,
              null));
      return fallback;
    }
    if (number < min) {
      problems.add(
          new Detail(
              loc,
              "Input should be greater than or equal to " + min,
              "greater_than_equal",
              value,
              Map.of("ge", min)));
    } else if (number > max) {
      problems.add(
          new Detail(
              loc,
              "Input should be less than or equal to " + max,
              "less_than_equal",
              value,
              Map.of("le", max)));
    }
    return number;
  }
}
