package dev.agentsim.api.definition;

import dev.agentsim.store.definition.ModelSpec;
import java.util.UUID;

/**
 * Sends a model one tiny prompt, outside any run. The LLM client lives in the activities module,
 * which the API does not depend on; the application wires one to the other.
 */
public interface ModelTester {

  Result test(UUID modelId, ModelSpec spec);

  /**
   * @param reply the model's answer when it answered
   * @param error for people, when the provider failed
   * @param category the error category, {@code LLM_PROVIDER_ERROR}, when the provider failed
   * @param technicalDetails the provider's own message (never the key), when it failed
   */
  record Result(
      boolean ok,
      long latencyMs,
      String reply,
      String error,
      String category,
      String technicalDetails) {}
}
