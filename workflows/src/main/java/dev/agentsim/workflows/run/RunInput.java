package dev.agentsim.workflows.run;

/**
 * Input of one {@link ConversationWorkflow}. Ids only: the scenario, agent and model are read by
 * the activities, so secrets never enter workflow history.
 *
 * @param settings the run's settings; null where an activity reads them from the store instead
 * @param state null on the first execution; the carried state after a continue-as-new
 */
public record RunInput(
    String batchWorkflowId,
    String batchId,
    String runId,
    int sequence,
    String projectId,
    String scenarioId,
    String agentId,
    String modelId,
    RunSettings settings,
    ConversationState state) {

  /** The input of a run's first execution. */
  public RunInput(
      String batchWorkflowId,
      String batchId,
      String runId,
      int sequence,
      String projectId,
      String scenarioId,
      String agentId,
      String modelId,
      RunSettings settings) {
    this(
        batchWorkflowId,
        batchId,
        runId,
        sequence,
        projectId,
        scenarioId,
        agentId,
        modelId,
        settings,
        null);
  }

  /** The ids alone, for activities that load the run's settings from the store, cached per run. */
  public RunInput withoutSettings() {
    return new RunInput(
        batchWorkflowId,
        batchId,
        runId,
        sequence,
        projectId,
        scenarioId,
        agentId,
        modelId,
        null,
        null);
  }

  public RunInput withState(ConversationState next) {
    return new RunInput(
        batchWorkflowId,
        batchId,
        runId,
        sequence,
        projectId,
        scenarioId,
        agentId,
        modelId,
        settings,
        next);
  }
}
