package dev.agentsim.api.batch;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Steers a running batch: more (or fewer) runs, a wider or narrower window, pause and resume. Each
 * answers 200 with the batch as changed; 409 ({@code BATCH_FINISHED}, {@code BATCH_ENDING}) once
 * the batch has finished, is stopping or has reached its precision.
 */
@RestController
@RequestMapping("/v1/batches/{batchId}")
@Tag(
    name = "Batch control",
    description = "Steering a running batch: its run count, its window, pause and resume")
public class BatchControlController {

  private final Batches batches;
  private final BatchViews views;

  public BatchControlController(Batches batches, BatchViews views) {
    this.batches = batches;
    this.views = views;
  }

  /**
   * @param runs how many runs in all, at least the runs started already
   */
  public record RunsRequest(Integer runs) {}

  /**
   * @param concurrency how many runs at most in flight at once
   */
  public record ConcurrencyRequest(Integer concurrency) {}

  /**
   * Sets the batch's run count (its most runs, with adaptive sampling); 400 naming {@code runs}
   * below the runs started.
   */
  @Operation(
      summary = "Set the run count",
      description =
          "How many runs in all (the most, with adaptive "
              + "sampling); not below the runs started")
  @ApiResponse(responseCode = "200", description = "The batch as changed")
  @ApiResponse(
      responseCode = "409",
      description = "The batch has finished, is stopping or has reached its precision")
  @PostMapping("/runs:raise")
  public BatchResponse raise(
      @RequestParam String projectId, @PathVariable UUID batchId, @RequestBody RunsRequest body) {
    int runs = range("runs", body.runs(), 1, StartBatch.MAX_RUNS);
    return views.of(batches.raiseRuns(find(projectId, batchId), runs));
  }

  /**
   * Sets how many runs may be in flight at once; a narrower window lets the runs in flight finish.
   */
  @Operation(
      summary = "Set the concurrency",
      description =
          "How many runs may be in flight at once; a narrower "
              + "window lets the runs in flight finish")
  @ApiResponse(responseCode = "200", description = "The batch as changed")
  @ApiResponse(responseCode = "409", description = "The batch has finished or is stopping")
  @PostMapping("/runs:concurrency")
  public BatchResponse concurrency(
      @RequestParam String projectId,
      @PathVariable UUID batchId,
      @RequestBody ConcurrencyRequest body) {
    int concurrency = range("concurrency", body.concurrency(), 1, StartBatch.MAX_CONCURRENCY);
    return views.of(batches.changeConcurrency(find(projectId, batchId), concurrency));
  }

  /** No new run starts until the batch is resumed; runs in flight finish. */
  @Operation(
      summary = "Pause a batch",
      description = "No new run starts until it is resumed; runs in flight finish")
  @ApiResponse(responseCode = "200", description = "The batch as changed")
  @ApiResponse(responseCode = "409", description = "The batch has finished or is stopping")
  @PostMapping("/runs:pause")
  public BatchResponse pause(@RequestParam String projectId, @PathVariable UUID batchId) {
    return views.of(batches.pauseRuns(find(projectId, batchId)));
  }

  @Operation(summary = "Resume a paused batch")
  @ApiResponse(responseCode = "200", description = "The batch as changed")
  @ApiResponse(responseCode = "409", description = "The batch has finished or is stopping")
  @PostMapping("/runs:resume")
  public BatchResponse resume(@RequestParam String projectId, @PathVariable UUID batchId) {
    return views.of(batches.resumeRuns(find(projectId, batchId)));
  }

  private Batch find(String projectId, UUID batchId) {
    return batches
        .find(projectId, batchId)
        .orElseThrow(() -> new NotFound("Batch " + batchId + " not found"));
  }

  private static int range(String field, Integer value, int min, int max) {
    if (value == null) {
      throw new FieldError(field, "REQUIRED", field + " is required");
    }
    if (value < min || value > max) {
      throw new FieldError(
          field, "OUT_OF_RANGE", field + " must be between " + min + " and " + max);
    }
    return value;
  }
}
