package dev.agentsim.api.batch;

import dev.agentsim.workflows.batch.Precision;
import dev.agentsim.workflows.run.RunSettings.Fork;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The command that starts a batch, validated and in the project's own terms, whichever dialect or
 * the command line asked for it ({@link Batches#start}).
 *
 * @param timeoutSeconds limit of the whole batch; 0 for none
 * @param maxEvents messages per run before it ends, {@value #MIN_EVENTS} to {@value #MAX_EVENTS};
 *     null for the default
 * @param runConfig the dialect's run configuration as the client sent it, kept for reading back
 * @param dynamicVariables values for the scenario's placeholders, overriding the scenario's own
 * @param mocking canned tool results for the agent; null for none
 * @param counterAgentId an agent that plays the simulated user; null for the scenario's own
 * @param agentRevisionId the agent revision to test; null for the latest
 * @param labels free key/values to find the batch by, e.g. a git commit; empty for none
 * @param until adaptive sampling: no more runs start once the pass rate is this precise, {@code
 *     runs} being the most that may start; null for a batch of {@code runs} runs
 * @param fork the stored conversation each run replays before its simulated user speaks; null for
 *     none
 */
public record StartBatch(
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
    UUID agentRevisionId,
    Map<String, String> labels,
    Precision until,
    Fork fork) {

  public static final int DEFAULT_CONCURRENCY = 10;
  public static final int MAX_CONCURRENCY = 500;
  public static final int MAX_RUNS = 10_000;

  /**
   * Messages per run when the request names no limit: native/Cognigy {@code maxEvents},
   * Interactly's default.
   */
  public static final int DEFAULT_MAX_EVENTS = 500;

  /** The fewest messages per run a request may ask for. */
  public static final int MIN_EVENTS = 1;

  /**
   * The most messages per run any dialect accepts (native/Cognigy {@code maxEvents}, Interactly's
   * {@code max_events}), and the most turns a run may have. A run that long continues as new rather
   * than outgrowing Temporal's history limits.
   */
  public static final int MAX_EVENTS = 10_000;

  /** The same command with one more label, replacing any of that key. */
  public StartBatch withLabel(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(labels);
    more.put(key, value);
    return new StartBatch(
        projectId,
        scenarioId,
        agentId,
        modelId,
        name,
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        maxEvents,
        endPointType,
        session,
        runConfig,
        createdBy,
        dynamicVariables,
        mocking,
        counterAgentId,
        agentRevisionId,
        more,
        until,
        fork);
  }
}
