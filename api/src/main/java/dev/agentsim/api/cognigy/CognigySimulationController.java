package dev.agentsim.api.cognigy;

import dev.agentsim.api.Ids;
import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.cognigy.CognigyViews.BatchView;
import dev.agentsim.api.cognigy.CognigyViews.RunView;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.project.ProjectSettings;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.RunSort;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Cognigy Simulator API: schedule a batch of a scenario ("simulation"), read its runs, and the
 * companions it lacks: read, stop and rejudge a batch.
 */
@RestController
@Tag(
    name = "Cognigy: simulations",
    description =
        "The Cognigy Simulator API: a scenario is a simulation, a batch a "
            + "simulation run batch")
public class CognigySimulationController {

  private final Batches batches;
  private final ProjectSettings projectSettings;

  public CognigySimulationController(Batches batches, ProjectSettings projectSettings) {
    this.batches = batches;
    this.projectSettings = projectSettings;
  }

  /** The runs list's body as the API document shows it. */
  @Schema(name = "CognigyRunsPage")
  record RunsPage(List<RunView> data, Pagination pagination) {}

  @Schema(name = "CognigyPagination")
  record Pagination(
      int limit,
      int skip,
      int total,
      boolean hasNext,
      boolean hasPrevious,
      @Schema(description = "Cursor of the next page, null on the last") String next,
      @Schema(description = "Cursor of the previous page, null on the first") String previous) {}

  @Operation(
      summary = "Run a scenario",
      description =
          "Schedules numberOfExecutions runs of the scenario "
              + "(simulationReference) against the agent (runConfig.flowReferenceId). The runs go on in the background.")
  @ApiResponse(responseCode = "201", description = "The batch, pending")
  @ApiResponse(
      responseCode = "503",
      description = "Temporal did not take the batch; nothing was scheduled")
  @PostMapping("/simulations/{simulationReference}/schedule")
  public ResponseEntity<BatchView> schedule(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      schema = @Schema(implementation = CognigyScheduleBody.class),
                      examples =
                          @ExampleObject(
                              name = "Five runs of the demo scenario",
                              value =
                                  """
              {"projectReference": "demo", "name": "first batch", "numberOfExecutions": 5,
               "runConfig": {"flowReferenceId": "00000000-0000-4000-8000-000000000001", "entrypoint": "demo",
                             "largeLanguageModelReferenceId": "00000000-0000-4000-8000-000000000002"},
               "dynamicVariables": {"destination": "Paris"}}""")))
          @RequestBody(required = false)
          Map<String, Object> body) {
    Batch batch = batches.start(CognigyScheduleParser.parse(projectId, simulationReference, body));
    return ResponseEntity.status(HttpStatus.CREATED).body(view(batch));
  }

  @Operation(summary = "Read a batch", description = "Its status and run counters")
  @GetMapping("/simulations/{simulationReference}/batches/{batchReference}")
  public BatchView batch(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @PathVariable String batchReference) {
    return view(find(projectId, simulationReference, batchReference));
  }

  @Operation(
      summary = "Stop a batch",
      description =
          "It reads stopped once its runs in flight have recorded "
              + "their partial transcripts. A finished batch stays as it is.")
  @ApiResponse(responseCode = "202", description = "The batch, stopping")
  @PostMapping("/simulations/{simulationReference}/batches/{batchReference}/stop")
  public ResponseEntity<BatchView> stop(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @PathVariable String batchReference) {
    Batch batch = find(projectId, simulationReference, batchReference);
    batches.stop(batch, "stopped through the API");
    return ResponseEntity.accepted().body(view(batch));
  }

  /**
   * Judges the stored transcripts of a finished batch again with the scenario's current criteria: a
   * new evaluation of the same runs. 409 while the batch runs or is being rejudged.
   */
  @Operation(
      summary = "Rejudge a batch",
      description =
          "Judges the stored transcripts of a finished batch again "
              + "with the scenario's current criteria")
  @ApiResponse(responseCode = "202", description = "The batch, with its new evaluation under way")
  @ApiResponse(responseCode = "409", description = "The batch runs or is being rejudged")
  @ApiResponse(responseCode = "503", description = "Temporal did not take the rejudge")
  @PostMapping("/simulations/{simulationReference}/batches/{batchReference}/rejudge")
  public ResponseEntity<BatchView> rejudge(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @PathVariable String batchReference) {
    Batch batch = batches.rejudge(find(projectId, simulationReference, batchReference));
    return ResponseEntity.accepted().body(view(batch));
  }

  @Operation(
      summary = "List the runs of a batch",
      description =
          "With their transcripts, criteria results and "
              + "verdicts; newest first unless sorted otherwise")
  @ApiResponse(
      responseCode = "200",
      description = "One page of runs",
      content = @Content(schema = @Schema(implementation = RunsPage.class)))
  @GetMapping("/simulations/{simulationReference}/batches/{batchReference}/runs")
  public Map<String, Object> runs(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @PathVariable String batchReference,
      @RequestParam(required = false) String filter,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String skip,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String next,
      @RequestParam(required = false) String previous,
      @RequestParam(required = false) String endPointType) {
    Batch batch = find(projectId, simulationReference, batchReference);
    int pageSize = integer("limit", limit, 20, 1, 100);
    int offset = integer("skip", skip, 0, 0, Integer.MAX_VALUE);
    if (next != null) {
      offset = cursor("next", next);
    } else if (previous != null) {
      offset = cursor("previous", previous);
    }
    String status = statusFilter(filter);
    SortOrder order = SortOrder.parse(sort);
    // A batch runs on one endpoint type: its runs match the filter all together or not at all.
    boolean otherEndpoint = endPointType != null && !endPointType.equals(batch.endPointType());
    Duration retention = projectSettings.retention(projectId);
    List<RunView> data =
        otherEndpoint
            ? List.of()
            : batches
                .runs(batch, status, order.field(), order.ascending(), pageSize, offset)
                .stream()
                .map(run -> CognigyViews.run(batch, run.run(), run.usage(), retention))
                .toList();
    int total = otherEndpoint ? 0 : batches.countRuns(batch, status);
    boolean hasNext = offset + pageSize < total;
    boolean hasPrevious = offset > 0;
    Map<String, Object> pagination = new LinkedHashMap<>();
    pagination.put("limit", pageSize);
    pagination.put("skip", offset);
    pagination.put("total", total);
    pagination.put("hasNext", hasNext);
    pagination.put("hasPrevious", hasPrevious);
    pagination.put("next", hasNext ? encodeCursor(offset + pageSize) : null);
    pagination.put("previous", hasPrevious ? encodeCursor(Math.max(0, offset - pageSize)) : null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", data);
    body.put("pagination", pagination);
    return body;
  }

  @Operation(
      summary = "Read a run",
      description = "Its transcript, criteria results, metrics and verdict")
  @GetMapping("/simulations/{simulationReference}/batches/{batchReference}/runs/{runReference}")
  public RunView run(
      @RequestParam String projectId,
      @PathVariable String simulationReference,
      @PathVariable String batchReference,
      @PathVariable String runReference) {
    Batch batch = find(projectId, simulationReference, batchReference);
    UUID runId =
        Ids.parse(runReference)
            .orElseThrow(() -> new NotFound("Simulation run " + runReference + " not found"));
    return batches
        .run(batch, runId)
        .map(
            run ->
                CognigyViews.run(
                    batch, run.run(), run.usage(), projectSettings.retention(projectId)))
        .orElseThrow(() -> new NotFound("Simulation run " + runReference + " not found"));
  }

  private BatchView view(Batch batch) {
    Batches.Totals totals = batches.totals(batch);
    return CognigyViews.batch(batch, totals.errorsByCategory(), totals.usage());
  }

  private Batch find(String projectId, String simulationReference, String batchReference) {
    NotFound notFound = new NotFound("Simulation run batch " + batchReference + " not found");
    UUID batchId = Ids.parse(batchReference).orElseThrow(() -> notFound);
    Batch batch = batches.find(projectId, batchId).orElseThrow(() -> notFound);
    if (!batch.scenarioId().toString().equals(simulationReference)) {
      throw notFound;
    }
    return batch;
  }

  /**
   * {@code SUCCESS}, {@code status:FAILED}, {@code status=running}: a verdict or a lifecycle
   * status.
   */
  private static String statusFilter(String filter) {
    if (filter == null || filter.isBlank()) {
      return null;
    }
    String value = filter.trim().replaceFirst("^status\\s*[:=]\\s*", "").toUpperCase(Locale.ROOT);
    if (!List.of("SUCCESS", "FAILED", "ERROR", "RUNNING", "COMPLETED", "STOPPED").contains(value)) {
      throw new FieldError(
          "filter",
          "INVALID_VALUE",
          "filter must name a status: SUCCESS, FAILED, ERROR, running, completed or stopped");
    }
    return value;
  }

  private static int integer(String field, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new FieldError(field, "INVALID_TYPE", field + " must be an integer");
    }
    if (number < min || number > max) {
      throw new FieldError(
          field, "OUT_OF_RANGE", field + " must be between " + min + " and " + max);
    }
    return number;
  }

  private static String encodeCursor(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("skip:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int cursor(String field, String cursor) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (decoded.startsWith("skip:")) {
        int offset = Integer.parseInt(decoded.substring(5));
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw new FieldError(field, "INVALID_CURSOR", field + " is not a cursor this API returned");
  }

  /** {@code field:asc} or {@code field:desc}; newest first by default. */
  record SortOrder(RunSort field, boolean ascending) {

    static SortOrder parse(String sort) {
      if (sort == null || sort.isBlank()) {
        return new SortOrder(RunSort.CREATED_AT, false);
      }
      String[] parts = sort.trim().split(":");
      RunSort field =
          RunSort.ofField(parts[0])
              .orElseThrow(
                  () ->
                      new FieldError(
                          "sort",
                          "INVALID_VALUE",
                          "sort must be one of createdAt, sequence, completedAt, status, followed by :asc or :desc"));
      if (parts.length > 2
          || (parts.length == 2 && !parts[1].equals("asc") && !parts[1].equals("desc"))) {
        throw new FieldError("sort", "INVALID_VALUE", "sort direction must be asc or desc");
      }
      return new SortOrder(field, parts.length == 2 ? parts[1].equals("asc") : true);
    }
  }
}
