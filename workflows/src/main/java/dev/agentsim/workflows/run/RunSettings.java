package dev.agentsim.workflows.run;

import dev.agentsim.workflows.RetrySettings;
import java.util.Map;

/**
 * Everything a run needs to know that is fixed when its batch is scheduled.
 *
 * @param agentSpeaksFirst the agent opens the conversation (a greeting) before the user speaks
 * @param maxTurns user–agent exchanges before the run ends with MAX_TURNS
 * @param maxEvents messages (user and agent together) before the run ends with MAX_EVENTS
 * @param runTimeoutSeconds wall-clock limit of one run; 0 means none
 * @param session what reaches the agent with every message: user id, entry point, locale, data
 */
public record RunSettings(
    boolean agentSpeaksFirst,
    int maxTurns,
    int maxEvents,
    long runTimeoutSeconds,
    Session session,
    RetrySettings retry) {

  public record Session(String userId, String entrypoint, String locale, Map<String, Object> data) {}
}
