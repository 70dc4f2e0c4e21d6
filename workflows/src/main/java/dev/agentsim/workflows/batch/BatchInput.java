package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.run.RunSettings;

/**
 * Input of a {@link BatchWorkflow}.
 *
 * @param timeoutSeconds the whole batch's limit; 0 means none
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
    BatchState state) {

  public BatchInput withState(BatchState next) {
    return new BatchInput(batchId, projectId, scenarioId, agentId, modelId, runs, concurrency,
        stopOnFailure, timeoutSeconds, runSettings, next);
  }
}
