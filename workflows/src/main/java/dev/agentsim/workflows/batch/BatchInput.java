package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.run.RunSettings;

/**
 * Input of a {@link BatchWorkflow}.
 *
 * @param timeoutSeconds the whole batch's limit; 0 means none
 * @param runs how many runs to start; with {@code until}, the most it may start. Raised or lowered
 *     while the batch runs, it is carried as changed across continue-as-new.
 * @param concurrency most runs in flight at once; carried as changed, too
 * @param stallCheckSeconds how long the batch waits without hearing from any run before it asks
 *     Temporal about the runs in flight; 0 means {@link #DEFAULT_STALL_CHECK_SECONDS}
 * @param until adaptive sampling: start no more runs once the pass rate is this precise; null for a
 *     batch of {@code runs} runs
 * @param paused no new run starts until the batch is resumed; carried across continue-as-new
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
    Precision until,
    boolean paused,
    BatchState state) {

  public static final long DEFAULT_STALL_CHECK_SECONDS = 300;

  /** A batch of {@code runs} runs, not paused. */
  public BatchInput(
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
    this(
        batchId,
        projectId,
        scenarioId,
        agentId,
        modelId,
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        runSettings,
        stallCheckSeconds,
        null,
        false,
        state);
  }

  public BatchInput withState(BatchState next) {
    return new BatchInput(
        batchId,
        projectId,
        scenarioId,
        agentId,
        modelId,
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        runSettings,
        stallCheckSeconds,
        until,
        paused,
        next);
  }

  /** The same batch as its live control has changed it. */
  public BatchInput withControl(int runs, int concurrency, boolean paused) {
    return new BatchInput(
        batchId,
        projectId,
        scenarioId,
        agentId,
        modelId,
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        runSettings,
        stallCheckSeconds,
        until,
        paused,
        state);
  }

  public long stallCheckSecondsOrDefault() {
    return stallCheckSeconds > 0 ? stallCheckSeconds : DEFAULT_STALL_CHECK_SECONDS;
  }
}
