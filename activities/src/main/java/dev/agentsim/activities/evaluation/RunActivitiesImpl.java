package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.metrics.SimulationMetrics;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunActivities;
import dev.agentsim.workflows.run.RunInput;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The run's record and its judgement. The criteria judged are those the run recorded when it
 * started, so editing the scenario during a batch does not change how its runs are judged.
 */
@Component("runActivities")
public class RunActivitiesImpl implements RunActivities {

  private static final Logger log = LoggerFactory.getLogger(RunActivitiesImpl.class);

  private final RunRepository runs;
  private final CriteriaEvaluator evaluator;
  private final TurnKeeper keeper;
  private final SimulationMetrics metrics;

  /** The sequence under which the judging of a run counts its model's failures. */
  private static final int JUDGING = -1;

  public RunActivitiesImpl(
      RunRepository runs,
      CriteriaEvaluator evaluator,
      TurnKeeper keeper,
      SimulationMetrics metrics) {
    this.runs = runs;
    this.evaluator = evaluator;
    this.keeper = keeper;
    this.metrics = metrics;
  }

  @Override
  public void startRun(RunInput input) {
    ScenarioSpec scenario = keeper.scenario(input);
    runs.start(
        Failures.uuid(input.runId(), "run"),
        Failures.uuid(input.batchId(), "batch"),
        input.sequence(),
        scenario.criteria(),
        input.settings().maxTurns(),
        input.settings());
    keeper.started(input);
  }

  @Override
  public Verdict evaluate(Conclusion conclusion) {
    RunInput input = conclusion.run();
    UUID runId = Failures.uuid(input.runId(), "run");
    Run run = find(input, runId);
    if (run.status() == RunStatus.COMPLETED && run.verdict() != null) {
      return run.verdict(); // judged by an earlier attempt
    }
    // The judge's failures count toward the run's attempts like a party's; our waits for a slot do
    // not.
    Evaluation evaluation =
        keeper.call(
            runId,
            JUDGING,
            LlmRole.JUDGE.name().toLowerCase(Locale.ROOT),
            keeper.settings(input),
            () ->
                evaluator.evaluate(
                    runId,
                    1,
                    run.successCriteria(),
                    transcript(run, conclusion),
                    input.modelId(),
                    llmPersona(input)));
    if (runs.complete(runId, conclusion.reason(), evaluation, conclusion.endSequence())) {
      metrics.runFinished(evaluation.verdict(), conclusion.reason());
    }
    return evaluation.verdict();
  }

  @Override
  public List<String> modelJudgements(Conclusion conclusion) {
    RunInput input = conclusion.run();
    UUID runId = Failures.uuid(input.runId(), "run");
    // A run judged, or stopped, already needs nothing; the transcript is not needed to tell.
    return runs.criteriaWhileRunning(runId)
        .map(
            criteria ->
                evaluator.pendingJudgements(runId, 1, criteria, input.modelId(), llmPersona(input)))
        .orElse(List.of());
  }

  @Override
  public void judge(Conclusion conclusion, String item) {
    RunInput input = conclusion.run();
    UUID runId = Failures.uuid(input.runId(), "run");
    Run run = find(input, runId);
    if (run.status() != RunStatus.RUNNING) {
      return; // nothing waits for this judgement any more
    }
    keeper.call(
        runId,
        JUDGING,
        LlmRole.JUDGE.name().toLowerCase(Locale.ROOT) + " " + item,
        keeper.settings(input),
        () -> {
          evaluator.judge(
              runId, 1, item, run.successCriteria(), transcript(run, conclusion), input.modelId());
          return null;
        });
  }

  private Run find(RunInput input, UUID runId) {
    return runs.find(Failures.uuid(input.batchId(), "batch"), runId)
        .orElseThrow(
            () -> Failures.nonRetryable(ErrorCategory.UNKNOWN, "The run was not found", null));
  }

  /**
   * The transcript as the workflow knows it; what a late attempt stored beyond it is not judged.
   */
  private static Transcript transcript(Run run, Conclusion conclusion) {
    List<Turn> turns =
        conclusion.endSequence() == null
            ? run.turns()
            : run.turns().stream()
                .filter(turn -> turn.sequence() < conclusion.endSequence())
                .toList();
    return new Transcript(turns, conclusion.reason());
  }

  /**
   * Whether an LLM played the simulated user: the scenario has no script. A scenario deleted since
   * its run started is taken for a script, so its rule-only runs stay judged without a model.
   */
  private boolean llmPersona(RunInput input) {
    try {
      return !keeper.scenario(input).scripted();
    } catch (ApplicationFailure deleted) {
      return false;
    }
  }

  @Override
  public void recordError(Conclusion conclusion) {
    ErrorCategory category =
        conclusion.category() == null ? ErrorCategory.UNKNOWN : conclusion.category();
    if (runs.complete(
        Failures.uuid(conclusion.run().runId(), "run"),
        conclusion.reason(),
        Evaluation.error(category, conclusion.errorMessage(), conclusion.technicalDetails()),
        conclusion.endSequence())) {
      metrics.runFinished(Verdict.ERROR, conclusion.reason());
      log.info(
          "Run ended in ERROR ({}, {}): {}",
          conclusion.reason(),
          category,
          conclusion.errorMessage());
    }
  }

  @Override
  public void recordStopped(Conclusion conclusion) {
    RunInput run = conclusion.run();
    if (runs.stop(
        Failures.uuid(run.runId(), "run"),
        Failures.uuid(run.batchId(), "batch"),
        run.sequence(),
        run.settings().maxTurns(),
        conclusion.endSequence())) {
      metrics.runFinished(null, TerminationReason.CANCELLED);
    }
  }
}
