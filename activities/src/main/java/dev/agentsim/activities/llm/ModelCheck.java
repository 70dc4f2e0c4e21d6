package dev.agentsim.activities.llm;

/**
 * The outcome of a model test: one tiny prompt, outside any run.
 *
 * @param reply what the model answered; null when it failed
 * @param error for people, e.g. that the key was rejected; null when it answered
 * @param category the failure's category ({@code LLM_PROVIDER_ERROR}); null when it answered
 * @param technicalDetails the provider's own message, without the key; null when it answered
 */
public record ModelCheck(
    boolean ok,
    long latencyMs,
    String reply,
    String error,
    String category,
    String technicalDetails) {}
