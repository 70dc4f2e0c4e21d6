package dev.agentsim.workflows.run;

/**
 * Input of one {@link ConversationWorkflow}. Ids only: the scenario, agent and model are read by
 * the activities, so secrets never enter workflow history.
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
    RunSettings settings) {}
