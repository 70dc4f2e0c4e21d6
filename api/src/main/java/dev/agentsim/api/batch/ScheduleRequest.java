package dev.agentsim.api.batch;

import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.util.Map;
import java.util.UUID;

/**
 * A validated request for a batch, in the project's own terms, whichever dialect it came in.
 *
 * @param timeoutSeconds limit of the whole batch; 0 for none
 * @param maxEvents messages per run before it ends; null for the default
 * @param runConfig the dialect's run configuration as the client sent it, kept for reading back
 * @param dynamicVariables values for the scenario's placeholders, overriding the scenario's own
 * @param mocking canned tool results for the agent; null for none
 * @param counterAgentId an agent that plays the simulated user; null for the scenario's own
 * @param agentRevisionId the agent revision to test; null for the latest
 */
public record ScheduleRequest(
    String projectId,
    UUID scenarioId,
    UUID agentId,
    UUID modelId,
    String name,
    int runs,
    int concurrency,
    boolean stopOnFailure,
    long timeoutSeconds,
    Integer maxEvents,
    String endPointType,
    Session session,
    Map<String, Object> runConfig,
    String createdBy,
    Map<String, String> dynamicVariables,
    Mocking mocking,
    UUID counterAgentId,
    UUID agentRevisionId) {

  public static final int DEFAULT_CONCURRENCY = 10;
  public static final int MAX_CONCURRENCY = 500;
  public static final int MAX_RUNS = 10_000;
  public static final int DEFAULT_MAX_EVENTS = 500;
}
