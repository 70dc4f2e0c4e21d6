package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.workflows.ErrorCategory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Judges a finished conversation: each success criterion (an unknown type fails with a reason
 * rather than throwing), and, when the run used a model at all, the simulated user's experience.
 */
@Component
public class CriteriaEvaluator {

  private static final String TEXT = "text";
  private static final String CRITERION = "criterion:";
  private static final String SUMMARY = "summary";

  private final DefinitionRepository definitions;
  private final LlmJudge judge;
  private final EvaluationRepository evaluations;

  public CriteriaEvaluator(
      DefinitionRepository definitions, LlmJudge judge, EvaluationRepository evaluations) {
    this.definitions = definitions;
    this.judge = judge;
    this.evaluations = evaluations;
  }

  /**
   * @param modelId the run's model, asked by {@code text} criteria and for the sentiment and
   *     summary; null for a batch without one (a counter agent plays the user), which gets no
   *     sentiment and summary
   * @param llmPersona an LLM played the simulated user. A run that asked no model (a script, and
   *     criteria judged by rule) gets no sentiment and summary: it stays deterministic and offline.
   * @param number the evaluation's number: each judgement of the model is kept under it as soon as
   *     it is made, so a retry asks again only what failed
   */
  Evaluation evaluate(
      UUID runId,
      int number,
      List<Criterion> criteria,
      Transcript transcript,
      String modelId,
      boolean llmPersona) {
    List<CriterionResult> results = criteria(runId, number, criteria, transcript, modelId);
    if (!summarized(criteria, modelId, llmPersona)) {
      return Evaluation.judged(results, null, null);
    }
    LlmJudge.Experience experience = summary(runId, number, transcript, modelId);
    return Evaluation.judged(results, experience.sentiment(), experience.summary());
  }

  /**
   * The model's judgements of evaluation {@code number} that {@link #evaluate} needs and that are
   * not kept yet: {@code criterion:<index>} for each {@code text} criterion, and {@code summary}.
   */
  List<String> pendingJudgements(
      UUID runId, int number, List<Criterion> criteria, String modelId, boolean llmPersona) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < criteria.size(); i++) {
      if (TEXT.equals(criteria.get(i).type())) {
        items.add(CRITERION + i);
      }
    }
    if (summarized(criteria, modelId, llmPersona)) {
      items.add(SUMMARY);
    }
    items.removeAll(evaluations.judgedItems(runId, number));
    return items;
  }

  /** Makes and keeps one judgement of {@link #pendingJudgements}. */
  void judge(
      UUID runId,
      int number,
      String item,
      List<Criterion> criteria,
      Transcript transcript,
      String modelId) {
    if (SUMMARY.equals(item)) {
      summary(runId, number, transcript, modelId);
      return;
    }
    int index =
        item.startsWith(CRITERION) ? Integer.parseInt(item.substring(CRITERION.length())) : -1;
    if (index < 0 || index >= criteria.size() || !TEXT.equals(criteria.get(index).type())) {
      throw Failures.nonRetryable(
          ErrorCategory.UNKNOWN, "No judgement \"" + item + "\" of the run to make", null);
    }
    criterion(runId, number, index, criteria.get(index), transcript, modelId, new ModelSpec[1]);
  }

  /** Whether the run gets a sentiment and summary, see {@link #evaluate}. */
  private static boolean summarized(List<Criterion> criteria, String modelId, boolean llmPersona) {
    boolean judgedByModel = criteria.stream().anyMatch(criterion -> TEXT.equals(criterion.type()));
    return (llmPersona || judgedByModel) && modelId != null;
  }

  private LlmJudge.Experience summary(
      UUID runId, int number, Transcript transcript, String modelId) {
    return evaluations.judgement(
        runId,
        number,
        SUMMARY,
        LlmJudge.Experience.class,
        () -> judge.summarize(runId, transcript, UUID.fromString(modelId), model(modelId)));
  }

  private CriterionResult criterion(
      UUID runId,
      int number,
      int index,
      Criterion criterion,
      Transcript transcript,
      String modelId,
      ModelSpec[] model) {
    return evaluations.judgement(
        runId,
        number,
        CRITERION + index,
        CriterionResult.class,
        () -> {
          if (model[0] == null) {
            model[0] = model(modelId);
          }
          return judge.judge(runId, criterion, transcript, UUID.fromString(modelId), model[0]);
        });
  }

  private List<CriterionResult> criteria(
      UUID runId, int number, List<Criterion> criteria, Transcript transcript, String modelId) {
    List<CriterionResult> results = new ArrayList<>(criteria.size());
    ModelSpec[] model = new ModelSpec[1];
    for (int i = 0; i < criteria.size(); i++) {
      Criterion criterion = criteria.get(i);
      String type = criterion.type() == null ? "" : criterion.type();
      results.add(
          switch (type) {
            case "contains" -> RuleCriteria.contains(criterion, transcript, false);
            case "not_contains" -> RuleCriteria.contains(criterion, transcript, true);
            case "regex" -> RuleCriteria.regex(criterion, transcript);
            case "max_turns" -> RuleCriteria.maxTurns(criterion, transcript);
            case "conversation_ended" -> RuleCriteria.conversationEnded(criterion, transcript);
            case "tool_called" -> ToolAndDataCriteria.toolCalled(criterion, transcript);
            case "json_path" -> ToolAndDataCriteria.jsonPath(criterion, transcript);
            case TEXT -> criterion(runId, number, i, criterion, transcript, modelId, model);
            default -> RuleCriteria.failed(criterion, "Unknown criterion type \"" + type + "\"");
          });
    }
    return results;
  }

  /**
   * Whether an LLM plays the scenario's simulated user: the scenario has no script. A scenario
   * deleted since is taken for a script, so its rule-only runs stay judged without a model.
   */
  boolean llmPersona(String projectId, UUID scenarioId) {
    return definitions
        .find(projectId, Kind.SCENARIO, scenarioId, ScenarioSpec.class)
        .map(scenario -> !scenario.spec().scripted())
        .orElse(false);
  }

  private ModelSpec model(String modelId) {
    return Failures.definition(
        definitions, Kind.MODEL, modelId, ModelSpec.class, ErrorCategory.LLM_PROVIDER_ERROR);
  }
}
