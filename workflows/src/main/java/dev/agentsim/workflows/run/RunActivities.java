package dev.agentsim.workflows.run;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The run's record in the store, and its judgement. */
@ActivityInterface
public interface RunActivities {

  /** Records the run as running; idempotent. */
  @ActivityMethod
  void startRun(RunInput input);

  /**
   * Judges the finished conversation against the scenario's success criteria, stores the verdict
   * and metrics, and marks the run completed. An LLM judge that cannot be reached throws an {@code
   * ApplicationFailure} of type {@code LLM_PROVIDER_ERROR}.
   */
  @ActivityMethod
  Verdict evaluate(Conclusion conclusion);

  /**
   * What the model has still to judge before {@link #evaluate} can: the run's {@code text} criteria
   * ({@code criterion:<index>}) and its sentiment and summary ({@code summary}), those not judged
   * yet. Empty when the run asks no model, or is judged already.
   */
  @ActivityMethod
  List<String> modelJudgements(Conclusion conclusion);

  /**
   * Asks the model for one item of {@link #modelJudgements} and keeps the answer for {@link
   * #evaluate}. The model's failures count toward the item's own attempts, as a turn's do.
   */
  @ActivityMethod
  void judge(Conclusion conclusion, String item);

  /** Marks the run completed with verdict ERROR without judging it. */
  @ActivityMethod
  void recordError(Conclusion conclusion);

  /** Marks the run stopped by its batch; its partial transcript stays. */
  @ActivityMethod
  void recordStopped(Conclusion conclusion);

  /**
   * How the conversation ended.
   *
   * @param errorMessage what went wrong, for runs that end in ERROR
   * @param endSequence the sequence after the last message the workflow knows of: messages a late
   *     attempt stored at or after it are not part of the run; null in runs that do not say
   */
  record Conclusion(
      RunInput run,
      TerminationReason reason,
      ErrorCategory category,
      String errorMessage,
      String technicalDetails,
      Integer endSequence) {

    /** A conclusion that keeps every stored message. */
    public Conclusion(
        RunInput run,
        TerminationReason reason,
        ErrorCategory category,
        String errorMessage,
        String technicalDetails) {
      this(run, reason, category, errorMessage, technicalDetails, null);
    }
  }
}
