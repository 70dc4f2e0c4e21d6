package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.llm.LlmCallRepository;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Batches in the native API: read one, and judge its stored runs again. */
@RestController
@RequestMapping("/v1/batches")
public class BatchController {

  private final BatchRepository batches;
  private final LlmCallRepository llmCalls;
  private final Rejudge rejudge;

  public BatchController(BatchRepository batches, LlmCallRepository llmCalls, Rejudge rejudge) {
    this.batches = batches;
    this.llmCalls = llmCalls;
    this.rejudge = rejudge;
  }

  /**
   * A batch with its runs counted by outcome, its ERROR runs by category, and the tokens and cost
   * of its LLM calls.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BatchResponse(
      UUID id,
      String projectId,
      UUID scenarioId,
      UUID agentId,
      UUID modelId,
      String name,
      String status,
      String stopReason,
      String stopDetail,
      int runs,
      int succeededRuns,
      int failedRuns,
      int erroredRuns,
      int stoppedRuns,
      int runningRuns,
      Map<String, Integer> errorsByCategory,
      Map<String, UsageView> usage,
      int evaluation,
      boolean rejudging,
      String createdAt,
      String startedAt,
      String completedAt) {}

  @GetMapping("/{batchId}")
  public BatchResponse get(@RequestParam String projectId, @PathVariable UUID batchId) {
    return view(find(projectId, batchId));
  }

  /**
   * Judges the stored transcripts of a finished batch again with its scenario's current criteria
   * and the batch's model: 202 with the batch, whose {@code evaluation} is the new one; 409 while
   * the batch runs or is being rejudged.
   */
  @PostMapping("/{batchId}/rejudge")
  public ResponseEntity<BatchResponse> rejudge(@RequestParam String projectId, @PathVariable UUID batchId) {
    return ResponseEntity.accepted().body(view(rejudge.start(find(projectId, batchId))));
  }

  private Batch find(String projectId, UUID batchId) {
    return batches.find(projectId, batchId).orElseThrow(() -> new NotFound("Batch " + batchId + " not found"));
  }

  private BatchResponse view(Batch batch) {
    Batch.Tally tally = batch.tally();
    Map<String, Integer> errors = new LinkedHashMap<>();
    batches.errorsByCategory(batch.id()).forEach((category, runs) -> errors.put(category.name(), runs));
    return new BatchResponse(batch.id(), batch.projectId(), batch.scenarioId(), batch.agentId(), batch.modelId(),
        batch.name(), batch.status().wire(), batch.stopReason() == null ? null : batch.stopReason().name(),
        batch.stopDetail(), batch.runs(), tally.succeeded(), tally.failed(), tally.errored(), tally.stopped(),
        tally.running(), errors, UsageView.of(llmCalls.usageOfBatch(batch.id())), batch.evaluation(), batch.rejudging(),
        text(batch.createdAt()), text(batch.startedAt()), text(batch.completedAt()));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
