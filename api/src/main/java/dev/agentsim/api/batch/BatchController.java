package dev.agentsim.api.batch;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.batch.BatchRepository.Position;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.workflows.BatchStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Batches in the native API, whichever dialect scheduled them: schedule, list, read, stop, delete,
 * rejudge, their runs, and their exports.
 */
@RestController
@RequestMapping("/v1/batches")
@Tag(
    name = "Batches",
    description = "Batches of runs of a scenario against an agent, whichever API scheduled them")
public class BatchController {

  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final Batches batches;
  private final BatchViews views;
  private final BatchExport export;

  public BatchController(Batches batches, BatchViews views, BatchExport export) {
    this.batches = batches;
    this.views = views;
    this.export = export;
  }

  /** One page of a list; {@code nextCursor} asks for the next, null on the last. */
  public record Page<T>(List<T> data, String nextCursor) {}

  /** Schedules a batch: 201 with it, pending; its runs go on in the background. */
  @Operation(
      summary = "Schedule a batch",
      description = "Runs of the scenario against the agent; they go on in " + "the background")
  @ApiResponse(responseCode = "201", description = "The batch, pending")
  @ApiResponse(
      responseCode = "503",
      description = "Temporal did not take the batch; nothing was scheduled")
  @PostMapping
  public ResponseEntity<BatchResponse> create(
      @RequestParam String projectId, @RequestBody BatchRequest body) {
    Batch batch = batches.start(batches.command(projectId, body));
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(batch.id())
            .toUri();
    return ResponseEntity.created(location).body(views.of(batch));
  }

  /**
   * The project's batches, newest first.
   *
   * <p>{@code label=key:value} filters by a label; several must all match. Read from the request
   * itself: Spring would split a single value at its commas.
   */
  @Operation(
      summary = "List batches",
      description =
          "The project's batches, newest first; label=key:value "
              + "filters by a label, several must all match")
  @GetMapping
  public Page<BatchResponse> list(
      @RequestParam String projectId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) UUID scenarioId,
      @RequestParam(required = false) UUID agentId,
      HttpServletRequest request,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int size = limit(limit);
    List<Batch> page =
        batches.list(
            new BatchRepository.Query(
                projectId,
                batchStatus(status),
                scenarioId,
                agentId,
                labels(request.getParameterValues("label")),
                cursor == null ? null : position(cursor),
                size + 1));
    List<BatchResponse> data = page.stream().limit(size).map(views::of).toList();
    Batch last = page.size() > size ? page.get(size - 1) : null;
    return new Page<>(data, last == null ? null : encode(last.createdAt() + "|" + last.id()));
  }

  @Operation(summary = "Read a batch", description = "Its status, counters, pass rate and usage")
  @GetMapping("/{batchId}")
  public BatchResponse get(@RequestParam String projectId, @PathVariable UUID batchId) {
    return views.of(find(projectId, batchId));
  }

  /** Deletes a finished batch with its runs: 204; 409 while it runs or is being rejudged. */
  @Operation(summary = "Delete a batch", description = "A finished batch, with its runs")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @ApiResponse(responseCode = "409", description = "The batch runs or is being rejudged")
  @DeleteMapping("/{batchId}")
  public ResponseEntity<Void> delete(@RequestParam String projectId, @PathVariable UUID batchId) {
    switch (batches.delete(projectId, batchId)) {
      case DELETED -> {
        return ResponseEntity.noContent().build();
      }
      case NOT_FINISHED ->
          throw new Conflict(
              "BATCH_RUNNING",
              "Batch " + batchId + " has not finished: stop it or wait for it before deleting it");
      case REJUDGING ->
          throw new Conflict(
              "REJUDGE_IN_PROGRESS",
              "Batch "
                  + batchId
                  + " is being rejudged: wait until it has finished before deleting it");
      default -> throw notFound(batchId);
    }
  }

  /**
   * Asks a batch to stop: 202 with the batch, which reads {@code stopped} once its runs in flight
   * have recorded their partial transcripts. A finished batch stays as it is.
   */
  @Operation(
      summary = "Stop a batch",
      description =
          "It reads stopped once its runs in flight have recorded their "
              + "partial transcripts. A finished batch stays as it is.")
  @ApiResponse(responseCode = "202", description = "The batch, stopping")
  @PostMapping("/{batchId}/stop")
  public ResponseEntity<BatchResponse> stop(
      @RequestParam String projectId, @PathVariable UUID batchId) {
    Batch batch = find(projectId, batchId);
    batches.stop(batch, "stopped through the API");
    return ResponseEntity.accepted().body(views.of(batch));
  }

  /**
   * Judges the stored transcripts of a finished batch again with its scenario's current criteria
   * and the batch's model: 202 with the batch, whose {@code evaluation} is the new one; 409 while
   * the batch runs or is being rejudged.
   */
  @Operation(
      summary = "Rejudge a batch",
      description =
          "Judges the stored transcripts of a finished batch again "
              + "with its scenario's current criteria and the batch's model")
  @ApiResponse(responseCode = "202", description = "The batch, its new evaluation under way")
  @ApiResponse(responseCode = "409", description = "The batch runs or is being rejudged")
  @ApiResponse(responseCode = "503", description = "Temporal did not take the rejudge")
  @PostMapping("/{batchId}/rejudge")
  public ResponseEntity<BatchResponse> rejudge(
      @RequestParam String projectId, @PathVariable UUID batchId) {
    return ResponseEntity.accepted().body(views.of(batches.rejudge(find(projectId, batchId))));
  }

  /**
   * The batch's runs without their transcripts.
   *
   * @param status a verdict ({@code SUCCESS}, {@code FAILED}, {@code ERROR}) or a lifecycle status
   *     ({@code RUNNING}, {@code COMPLETED}, {@code STOPPED})
   * @param sort {@code createdAt}, {@code sequence}, {@code completedAt} or {@code status}, then
   *     {@code :asc} or {@code :desc}; by sequence by default
   */
  @Operation(
      summary = "List the runs of a batch",
      description = "Without their transcripts; by sequence unless " + "sorted otherwise")
  @GetMapping("/{batchId}/runs")
  public Page<RunResponse> runs(
      @RequestParam String projectId,
      @PathVariable UUID batchId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    Batch batch = find(projectId, batchId);
    int size = limit(limit);
    int offset = cursor == null ? 0 : offset(cursor);
    String[] order = sort == null ? new String[] {"sequence", "asc"} : sort.split(":", -1);
    RunSort field =
        RunSort.ofField(order[0])
            .orElseThrow(
                () ->
                    new FieldError(
                        "sort",
                        "INVALID_VALUE",
                        "sort must be one of createdAt, sequence, completedAt, status, followed by :asc or :desc"));
    if (order.length > 2 || (order.length == 2 && !List.of("asc", "desc").contains(order[1]))) {
      throw new FieldError("sort", "INVALID_VALUE", "sort direction must be asc or desc");
    }
    List<Batches.RunUsage> page =
        batches.runs(
            batch,
            runStatus(status),
            field,
            order.length == 1 || order[1].equals("asc"),
            size + 1,
            offset);
    List<RunResponse> data =
        page.stream()
            .limit(size)
            .map(run -> RunResponse.of(batch, run.run(), run.usage(), false))
            .toList();
    return new Page<>(data, page.size() > size ? encode("skip:" + (offset + size)) : null);
  }

  /**
   * The batch's runs as a file, one per run: {@code jsonl} (each run as {@code GET /v1/runs/{id}}
   * shows it), {@code csv} or {@code junit} (JUnit XML as CI servers read it). Written to the
   * response as the runs are read, on the request's thread: a slow download of a large batch is not
   * cut short by an async timeout.
   */
  @Operation(
      summary = "Export the runs of a batch",
      description =
          "A file of one entry per run: jsonl (each run "
              + "as GET /v1/runs/{runId} shows it), csv, or junit (JUnit XML as CI servers read it)")
  @ApiResponse(
      responseCode = "200",
      description = "The file, as an attachment",
      content = {
        @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
        @Content(mediaType = "application/xml", schema = @Schema(type = "string"))
      })
  @GetMapping("/{batchId}/export")
  public void export(
      @RequestParam String projectId,
      @PathVariable UUID batchId,
      @RequestParam String format,
      HttpServletResponse response)
      throws IOException {
    BatchExport.Format chosen =
        BatchExport.Format.of(format)
            .orElseThrow(
                () ->
                    new FieldError(
                        "format", "INVALID_VALUE", "format must be jsonl, csv or junit"));
    Batch batch = find(projectId, batchId);
    response.setContentType(chosen.mediaType().toString());
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION,
        "attachment; filename=\"batch-" + batch.id() + "." + chosen.extension() + "\"");
    export.write(batch, chosen, response.getOutputStream());
  }

  private Batch find(String projectId, UUID batchId) {
    return batches.find(projectId, batchId).orElseThrow(() -> notFound(batchId));
  }

  private static NotFound notFound(UUID batchId) {
    return new NotFound("Batch " + batchId + " not found");
  }

  private static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }

  private static BatchStatus batchStatus(String status) {
    if (status == null) {
      return null;
    }
    try {
      return BatchStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new FieldError(
          "status",
          "INVALID_VALUE",
          "status must be pending, running, completed, failed or stopped");
    }
  }

  private static String runStatus(String status) {
    if (status == null) {
      return null;
    }
    String value = status.trim().toUpperCase(Locale.ROOT);
    if (!List.of("SUCCESS", "FAILED", "ERROR", "RUNNING", "COMPLETED", "STOPPED").contains(value)) {
      throw new FieldError(
          "status",
          "INVALID_VALUE",
          "status must be SUCCESS, FAILED, ERROR, RUNNING, COMPLETED or STOPPED");
    }
    return value;
  }

  private static Map<String, String> labels(String[] filters) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (filters != null) {
      for (String filter : filters) {
        int colon = filter.indexOf(':');
        if (colon < 1) {
          throw new FieldError("label", "INVALID_VALUE", "label must be key:value");
        }
        labels.put(filter.substring(0, colon), filter.substring(colon + 1));
      }
    }
    return labels;
  }

  private static String encode(String cursor) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw badCursor();
    }
  }

  private static Position position(String cursor) {
    String[] parts = decode(cursor).split("\\|");
    try {
      if (parts.length == 2) {
        return new Position(Instant.parse(parts[0]), UUID.fromString(parts[1]));
      }
    } catch (RuntimeException e) {
      // falls through to the error below
    }
    throw badCursor();
  }

  private static int offset(String cursor) {
    String decoded = decode(cursor);
    try {
      if (decoded.startsWith("skip:")) {
        int offset = Integer.parseInt(decoded.substring(5));
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw badCursor();
  }

  private static FieldError badCursor() {
    return new FieldError("cursor", "INVALID_CURSOR", "cursor is not a cursor this API returned");
  }
}
