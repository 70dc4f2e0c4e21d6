package dev.agentsim.api.batch;

import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** One run of any of the project's batches, with its transcript; and forks of it. */
@RestController
@Tag(name = "Runs", description = "One run of any of the project's batches, and forks of it")
public class RunController {

  private final Batches batches;
  private final BatchViews batchViews;

  public RunController(Batches batches, BatchViews batchViews) {
    this.batches = batches;
    this.batchViews = batchViews;
  }

  @Operation(
      summary = "Read a run",
      description = "With its transcript, criteria results, usage and errors")
  @GetMapping("/v1/runs/{runId}")
  public RunResponse get(@RequestParam String projectId, @PathVariable UUID runId) {
    return batches
        .run(projectId, runId)
        .map(found -> RunResponse.of(found.batch(), found.run().run(), found.run().usage(), true))
        .orElseThrow(() -> new NotFound("Run " + runId + " not found"));
  }

  /**
   * Forks the run's conversation at one of its user's messages: 201 with the new batch, pending, as
   * {@code GET /v1/batches/{id}} shows it.
   */
  @Operation(
      summary = "Fork a run",
      description =
          "A new batch that starts from the run's conversation up to one "
              + "of its user's messages")
  @ApiResponse(responseCode = "201", description = "The new batch, pending")
  @ApiResponse(responseCode = "409", description = "The run cannot be forked")
  @ApiResponse(responseCode = "503", description = "Temporal did not take the batch")
  @PostMapping("/v1/runs/{runId}/fork")
  public ResponseEntity<BatchResponse> fork(
      @RequestParam String projectId, @PathVariable UUID runId, @RequestBody ForkRequest body) {
    Batch batch = batches.fork(body.toCommand(projectId, runId));
    URI location =
        ServletUriComponentsBuilder.fromCurrentContextPath()
            .path("/v1/batches/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(batch.id())
            .toUri();
    return ResponseEntity.created(location).body(batchViews.of(batch));
  }
}
