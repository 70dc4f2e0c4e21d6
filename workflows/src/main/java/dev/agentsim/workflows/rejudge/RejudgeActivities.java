package dev.agentsim.workflows.rejudge;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The store's side of a rejudge, and the judging of one stored run. */
@ActivityInterface
public interface RejudgeActivities {

  /**
   * The batch's next runs to judge again as evaluation {@code evaluation}, in sequence order after
   * {@code afterSequence}, at most {@code limit}: those judged and those whose judge failed. Runs
   * stopped by the batch, and runs whose agent or simulated user failed, keep what they have.
   */
  @ActivityMethod
  List<RunToRejudge> runsToRejudge(String batchId, int evaluation, int afterSequence, int limit);

  /**
   * Judges the run's stored transcript with the evaluation's criteria and records the result as
   * that evaluation. An LLM judge that cannot be reached throws an {@code ApplicationFailure} of
   * type {@code LLM_PROVIDER_ERROR}.
   */
  @ActivityMethod
  void rejudgeRun(RunToRejudge run);

  /** Records the run's evaluation as ERROR: its judge kept failing. */
  @ActivityMethod
  void recordRejudgeError(RunToRejudge run, String errorMessage, String technicalDetails);

  /** Marks the evaluation done. */
  @ActivityMethod
  void finishRejudge(String batchId, int evaluation);

  record RunToRejudge(String batchId, String runId, int sequence, int evaluation) {}
}
