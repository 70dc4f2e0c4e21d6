package dev.agentsim.store.run;

import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings.Fork;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run as stored: its lifecycle, its latest evaluation once judged, and its transcript.
 *
 * @param successCriteria the criteria the run started with; a rejudged run's results may answer
 *     newer ones
 * @param sentiment the simulated user's experience as the model read it; null when no model read
 *     the run
 * @param evaluation which evaluation the verdict and results come from: 1 when the run ended, more
 *     after rejudging; null while running
 * @param userPromptVersion the version of the simulated user's instructions, for an LLM persona
 * @param userEndSignal how the simulated user ended the conversation, e.g. {@code DONE}
 * @param forkedFrom the run whose conversation this one replayed before going on; null for none
 */
public record Run(
    UUID id,
    UUID batchId,
    int sequence,
    RunStatus status,
    Verdict verdict,
    TerminationReason terminationReason,
    ErrorCategory errorCategory,
    String errorMessage,
    String technicalDetails,
    List<CriterionResult> results,
    List<Criterion> successCriteria,
    int maxTurns,
    boolean batchStopped,
    Instant createdAt,
    Instant completedAt,
    String sentiment,
    String summary,
    Integer evaluation,
    String userPromptVersion,
    String userEndSignal,
    Fork forkedFrom,
    List<Turn> turns) {

  /** What a finished run reports to its batch, as its record says. */
  public RunOutcome outcome() {
    return outcome(sequence, status, verdict, terminationReason, errorCategory);
  }

  /** As {@link #outcome()}, from the columns that tell it: a stopped run has no verdict. */
  public static RunOutcome outcome(
      int sequence,
      RunStatus status,
      Verdict verdict,
      TerminationReason reason,
      ErrorCategory category) {
    return new RunOutcome(
        sequence,
        status == RunStatus.STOPPED ? null : verdict,
        reason,
        category == null ? ErrorCategory.NONE : category);
  }

  public Run withTurns(List<Turn> turns) {
    return new Run(
        id,
        batchId,
        sequence,
        status,
        verdict,
        terminationReason,
        errorCategory,
        errorMessage,
        technicalDetails,
        results,
        successCriteria,
        maxTurns,
        batchStopped,
        createdAt,
        completedAt,
        sentiment,
        summary,
        evaluation,
        userPromptVersion,
        userEndSignal,
        forkedFrom,
        turns);
  }
}
