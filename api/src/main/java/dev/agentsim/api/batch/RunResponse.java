package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run in the native API: how it ended, each criterion's result with its reason, the LLM usage,
 * and its transcript.
 *
 * @param sequence 1 for the batch's first run
 * @param verdict {@code SUCCESS}, {@code FAILED} or {@code ERROR}; null while running and for a
 *     stopped run
 * @param error why the run could not be judged; null when nothing went wrong
 * @param evaluation which evaluation the verdict and results come from: 1, more after rejudging
 * @param forkedFrom the run whose conversation this one replayed before going on; absent for none
 * @param turns the transcript; left out of lists
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResponse(
    UUID id,
    UUID batchId,
    String projectId,
    UUID scenarioId,
    UUID agentId,
    int sequence,
    String status,
    String verdict,
    String terminationReason,
    ErrorView error,
    List<CriterionResult> results,
    int criteriaPassed,
    int criteriaTotal,
    String sentiment,
    String summary,
    Integer evaluation,
    Map<String, UsageView> usage,
    int messages,
    String createdAt,
    String completedAt,
    long durationMs,
    ForkView forkedFrom,
    List<TurnView> turns) {

  /**
   * @param fromSequence the message of the original the fork started at, 1 for its first
   */
  public record ForkView(UUID runId, int fromSequence) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorView(String category, String message, String technicalDetails) {}

  /**
   * @param sequence 1 for the first message
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TurnView(
      int sequence,
      String role,
      String text,
      Map<String, Object> data,
      Integer latencyMs,
      String createdAt) {}

  static RunResponse of(Batch batch, Run run, Usage usage, boolean withTurns) {
    ErrorCategory category = run.errorCategory();
    ErrorView error =
        category == null || category == ErrorCategory.NONE
            ? null
            : new ErrorView(category.name(), run.errorMessage(), run.technicalDetails());
    Instant end = run.completedAt() == null ? Instant.now() : run.completedAt();
    return new RunResponse(
        run.id(),
        batch.id(),
        batch.projectId(),
        batch.scenarioId(),
        batch.agentId(),
        run.sequence() + 1,
        run.status().name(),
        run.verdict() == null ? null : run.verdict().name(),
        run.terminationReason() == null ? null : run.terminationReason().name(),
        error,
        run.results(),
        (int) run.results().stream().filter(CriterionResult::passed).count(),
        run.results().size(),
        run.sentiment(),
        run.summary(),
        run.evaluation(),
        UsageView.of(usage),
        run.turns().size(),
        run.createdAt().toString(),
        run.completedAt() == null ? null : run.completedAt().toString(),
        Duration.between(run.createdAt(), end).toMillis(),
        run.forkedFrom() == null
            ? null
            : new ForkView(
                UUID.fromString(run.forkedFrom().runId()), run.forkedFrom().sequence() + 1),
        withTurns ? run.turns().stream().map(RunResponse::turn).toList() : null);
  }

  private static TurnView turn(Turn turn) {
    return new TurnView(
        turn.sequence() + 1,
        turn.role(),
        turn.text(),
        turn.data() == null || turn.data().isEmpty() ? null : turn.data(),
        turn.latencyMs(),
        turn.createdAt().toString());
  }
}
