package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.run.RunSettings;

/**
 * Input of a {@link BatchWorkflow}.
 *
 * @param timeoutSeconds the whole batch's limit; 0 means none
 * @param stallCheckSeconds how long the batch waits without hearing from any run before it asks
 *     Temporal about the runs in flight; 0 means {@link #DEFAULT_STALL_CHECK_SECONDS}
 * @param state null on the first execution; the carried state after a continue-as-new
 */
public record BatchInput(
    String batchId,
    String projectId,
    String scenarioId,
    String agentId,
    String modelId,
    int runs,
    int concurrency,
    boolean stopOnFailure,
    long timeoutSeconds,
    RunSettings runSettings,
    long stallCheckSeconds,
    BatchState state) {

  public static final long DEFAULT_STALL_CHECK_SECONDS = 300;

  public BatchInput withState(BatchState next) {
    return new BatchInput(batchId, projectId, scenarioId, agentId, modelId, runs, concurrency,
        stopOnFailure, timeoutSeconds, runSettings, stallCheckSeconds, next);
  }

  public long stallCheckSecondsOrDefault() {
    return stallCheckSeconds > 0 ? stallCheckSeconds : DEFAULT_STALL_CHECK_SECONDS;
  }
}
