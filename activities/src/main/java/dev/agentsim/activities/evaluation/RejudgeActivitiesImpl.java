package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.rejudge.RejudgeActivities;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Judges stored runs again with the criteria their evaluation was started with (the scenario's,
 * when the rejudge was asked for) and the batch's model. Transcripts are only read.
 */
@Component("rejudgeActivities")
public class RejudgeActivitiesImpl implements RejudgeActivities {

  private final RunRepository runs;
  private final EvaluationRepository evaluations;
  private final BatchRepository batches;
  private final CriteriaEvaluator evaluator;
  private final TurnKeeper keeper;
  private final int maxAttempts;

  public RejudgeActivitiesImpl(
      RunRepository runs,
      EvaluationRepository evaluations,
      BatchRepository batches,
      CriteriaEvaluator evaluator,
      TurnKeeper keeper,
      SimulatorSettings settings) {
    this.runs = runs;
    this.evaluations = evaluations;
    this.batches = batches;
    this.evaluator = evaluator;
    this.keeper = keeper;
    this.maxAttempts = settings.retry().maxAttempts();
  }

  @Override
  public List<RunToRejudge> runsToRejudge(
      String batchId, int evaluation, int afterSequence, int limit) {
    return runs.rejudgeable(Failures.uuid(batchId, "batch"), afterSequence, limit).stream()
        .map(run -> new RunToRejudge(batchId, run.id().toString(), run.sequence(), evaluation))
        .toList();
  }

  @Override
  public void rejudgeRun(RunToRejudge target) {
    Batch batch = batch(target.batchId());
    UUID runId = Failures.uuid(target.runId(), "run");
    Run run =
        runs.find(batch.id(), runId)
            .orElseThrow(
                () -> Failures.nonRetryable(ErrorCategory.UNKNOWN, "The run was not found", null));
    if (run.evaluation() != null && run.evaluation() >= target.evaluation()) {
      return; // judged by an earlier attempt
    }
    // The model's failures count toward this evaluation's attempts; our waits for a slot do not.
    Evaluation evaluation =
        keeper.call(
            runId,
            -1 - target.evaluation(),
            "judge",
            maxAttempts,
            () ->
                evaluator.evaluate(
                    runId,
                    target.evaluation(),
                    batches.rejudgeCriteria(batch.id(), target.evaluation()),
                    new Transcript(run.turns(), run.terminationReason()),
                    batch.modelId() == null ? null : batch.modelId().toString(),
                    evaluator.llmPersona(batch.projectId(), batch.scenarioId())));
    evaluations.reevaluate(runId, target.evaluation(), evaluation);
  }

  @Override
  public void recordRejudgeError(
      RunToRejudge target, String errorMessage, String technicalDetails) {
    evaluations.reevaluate(
        Failures.uuid(target.runId(), "run"),
        target.evaluation(),
        Evaluation.error(ErrorCategory.LLM_PROVIDER_ERROR, errorMessage, technicalDetails));
  }

  @Override
  public void finishRejudge(String batchId, int evaluation) {
    batches.finishRejudge(Failures.uuid(batchId, "batch"), evaluation);
  }

  private Batch batch(String batchId) {
    return batches
        .find(Failures.uuid(batchId, "batch"))
        .orElseThrow(
            () -> Failures.nonRetryable(ErrorCategory.UNKNOWN, "The batch no longer exists", null));
  }
}
