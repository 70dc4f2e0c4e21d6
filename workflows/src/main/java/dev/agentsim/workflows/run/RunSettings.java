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
 * @param dynamicVariables the batch's values for the scenario's {@code {{name}}} placeholders,
 *     overriding the scenario's own; null in runs scheduled before batches had them
 */
public record RunSettings(
    boolean agentSpeaksFirst,
    int maxTurns,
    int maxEvents,
    long runTimeoutSeconds,
    Session session,
    RetrySettings retry,
    Map<String, String> dynamicVariables) {

  /** Settings without dynamic variables of the batch's own. */
  public RunSettings(boolean agentSpeaksFirst, int maxTurns, int maxEvents, long runTimeoutSeconds, Session session,
      RetrySettings retry) {
    this(agentSpeaksFirst, maxTurns, maxEvents, runTimeoutSeconds, session, retry, null);
  }

  public record Session(String userId, String entrypoint, String locale, Map<String, Object> data) {}
}
