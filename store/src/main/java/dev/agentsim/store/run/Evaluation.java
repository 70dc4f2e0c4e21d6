package dev.agentsim.store.run;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.Verdict;
import java.util.List;

/**
 * One judgement of a run: its verdict, the criteria's results, and the model's reading of the
 * simulated user's experience.
 *
 * @param category {@code NONE} unless the verdict is ERROR
 * @param sentiment {@code positive}, {@code neutral} or {@code negative}; null when no model read
 *     the run
 * @param summary two or three sentences from the model; null when no model read the run
 */
public record Evaluation(
    Verdict verdict,
    ErrorCategory category,
    String errorMessage,
    String technicalDetails,
    List<CriterionResult> results,
    String sentiment,
    String summary) {

  /** A run judged: SUCCESS when every criterion passed, FAILED otherwise. */
  public static Evaluation judged(List<CriterionResult> results, String sentiment, String summary) {
    Verdict verdict =
        results.stream().allMatch(CriterionResult::passed) ? Verdict.SUCCESS : Verdict.FAILED;
    return new Evaluation(verdict, ErrorCategory.NONE, null, null, results, sentiment, summary);
  }

  /** A run that could not be judged. */
  public static Evaluation error(ErrorCategory category, String message, String technicalDetails) {
    return new Evaluation(
        Verdict.ERROR, category, message, technicalDetails, List.of(), null, null);
  }
}
