package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Evaluation;
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

  private final DefinitionRepository definitions;
  private final LlmJudge judge;

  public CriteriaEvaluator(DefinitionRepository definitions, LlmJudge judge) {
    this.definitions = definitions;
    this.judge = judge;
  }

  /**
   * @param modelId the run's model, asked by {@code text} criteria and for the sentiment and summary;
   *     null for a batch without one (a counter agent plays the user), which gets no sentiment and summary
   * @param llmPersona an LLM played the simulated user. A run that asked no model (a script, and
   *     criteria judged by rule) gets no sentiment and summary: it stays deterministic and offline.
   */
  Evaluation evaluate(UUID runId, List<Criterion> criteria, Transcript transcript, String modelId,
      boolean llmPersona) {
    List<CriterionResult> results = criteria(runId, criteria, transcript, modelId);
    boolean judgedByModel = criteria.stream().anyMatch(criterion -> "text".equals(criterion.type()));
    if ((!llmPersona && !judgedByModel) || modelId == null) {
      return Evaluation.judged(results, null, null);
    }
    LlmJudge.Experience experience = judge.summarize(runId, transcript, UUID.fromString(modelId), model(modelId));
    return Evaluation.judged(results, experience.sentiment(), experience.summary());
  }

  private List<CriterionResult> criteria(UUID runId, List<Criterion> criteria, Transcript transcript,
      String modelId) {
    List<CriterionResult> results = new ArrayList<>(criteria.size());
    ModelSpec model = null;
    for (Criterion criterion : criteria) {
      String type = criterion.type() == null ? "" : criterion.type();
      results.add(switch (type) {
        case "contains" -> RuleCriteria.contains(criterion, transcript, false);
        case "not_contains" -> RuleCriteria.contains(criterion, transcript, true);
        case "regex" -> RuleCriteria.regex(criterion, transcript);
        case "max_turns" -> RuleCriteria.maxTurns(criterion, transcript);
        case "conversation_ended" -> RuleCriteria.conversationEnded(criterion, transcript);
        case "tool_called" -> ToolAndDataCriteria.toolCalled(criterion, transcript);
        case "json_path" -> ToolAndDataCriteria.jsonPath(criterion, transcript);
        case "text" -> {
          if (model == null) {
            model = model(modelId);
          }
          yield judge.judge(runId, criterion, transcript, UUID.fromString(modelId), model);
        }
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
    return definitions.find(projectId, Kind.SCENARIO, scenarioId, ScenarioSpec.class)
        .map(scenario -> !scenario.spec().scripted())
        .orElse(false);
  }

  private ModelSpec model(String modelId) {
    return Failures.definition(definitions, Kind.MODEL, modelId, ModelSpec.class, ErrorCategory.LLM_PROVIDER_ERROR);
  }
}
