package dev.agentsim.store.llm;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One call to an LLM.
 *
 * @param promptTokens as the provider reported; null when it did not
 * @param cost from the model's prices; null when it has none
 */
public record LlmCall(
    UUID runId,
    LlmRole role,
    UUID modelId,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs,
    BigDecimal cost,
    Instant createdAt) {}
