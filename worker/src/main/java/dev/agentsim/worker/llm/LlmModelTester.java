package dev.agentsim.worker.llm;

import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.ModelCheck;
import dev.agentsim.api.definition.ModelTester;
import dev.agentsim.store.definition.ModelSpec;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The API's model test, answered by the activities' LLM client: the two modules meet only here. */
@Component
class LlmModelTester implements ModelTester {

  private final LlmClient llm;

  LlmModelTester(LlmClient llm) {
    this.llm = llm;
  }

  @Override
  public Result test(UUID modelId, ModelSpec spec) {
    ModelCheck check = llm.check(modelId, spec);
    return new Result(
        check.ok(),
        check.latencyMs(),
        check.reply(),
        check.error(),
        check.category(),
        check.technicalDetails());
  }
}
