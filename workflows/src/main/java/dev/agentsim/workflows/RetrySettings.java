package dev.agentsim.workflows;

/**
 * How hard Temporal retries a remote party (the agent or the LLM) before the run ends in ERROR.
 * Travels in the workflow input so workflow code needs no configuration lookup.
 */
public record RetrySettings(int maxAttempts, long initialIntervalMillis, long attemptTimeoutSeconds) {

  public static final RetrySettings DEFAULT = new RetrySettings(4, 1_000, 120);
}
