package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.workflows.ErrorCategory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Judges each success criterion; an unknown type fails with a reason rather than throwing. */
@Component
public class CriteriaEvaluator {

  private final DefinitionRepository definitions;
  private final LlmJudge judge;

  public CriteriaEvaluator(DefinitionRepository definitions, LlmJudge judge) {
    this.definitions = definitions;
    this.judge = judge;
  }

  /** @param modelId the run's model, asked by {@code text} criteria */
  List<CriterionResult> evaluate(UUID runId, List<Criterion> criteria, Transcript transcript, String modelId) {
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

  private ModelSpec model(String modelId) {
    return Failures.definition(definitions, Kind.MODEL, modelId, ModelSpec.class, ErrorCategory.LLM_PROVIDER_ERROR);
  }
}
