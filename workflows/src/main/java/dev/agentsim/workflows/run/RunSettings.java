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
 * @param mocking canned tool results for the agent under test; null for none
 * @param counterAgentId an agent that plays the simulated user instead of the scenario's persona or
 *     script (Interactly's counter workflow); null for none
 * @param agentRevisionId the revision of the agent under test the batch pinned; null for its latest
 * @param scriptedUser the simulated user says the scenario's script: its turns call no one, so they
 *     run as local activities; false in runs scheduled before batches said
 * @param fork the stored conversation this run replays before its simulated user speaks; null for
 *     none
 */
public record RunSettings(
    boolean agentSpeaksFirst,
    int maxTurns,
    int maxEvents,
    long runTimeoutSeconds,
    Session session,
    RetrySettings retry,
    Map<String, String> dynamicVariables,
    Mocking mocking,
    String counterAgentId,
    String agentRevisionId,
    boolean scriptedUser,
    Fork fork) {

  /** Settings of a run that replays no earlier conversation. */
  public RunSettings(
      boolean agentSpeaksFirst,
      int maxTurns,
      int maxEvents,
      long runTimeoutSeconds,
      Session session,
      RetrySettings retry,
      Map<String, String> dynamicVariables,
      Mocking mocking,
      String counterAgentId,
      String agentRevisionId,
      boolean scriptedUser) {
    this(
        agentSpeaksFirst,
        maxTurns,
        maxEvents,
        runTimeoutSeconds,
        session,
        retry,
        dynamicVariables,
        mocking,
        counterAgentId,
        agentRevisionId,
        scriptedUser,
        null);
  }

  /** Settings of a user that is not known to be scripted. */
  public RunSettings(
      boolean agentSpeaksFirst,
      int maxTurns,
      int maxEvents,
      long runTimeoutSeconds,
      Session session,
      RetrySettings retry,
      Map<String, String> dynamicVariables,
      Mocking mocking,
      String counterAgentId,
      String agentRevisionId) {
    this(
        agentSpeaksFirst,
        maxTurns,
        maxEvents,
        runTimeoutSeconds,
        session,
        retry,
        dynamicVariables,
        mocking,
        counterAgentId,
        agentRevisionId,
        false);
  }

  /** Settings without dynamic variables of the batch's own. */
  public RunSettings(
      boolean agentSpeaksFirst,
      int maxTurns,
      int maxEvents,
      long runTimeoutSeconds,
      Session session,
      RetrySettings retry) {
    this(agentSpeaksFirst, maxTurns, maxEvents, runTimeoutSeconds, session, retry, null);
  }

  /**
   * Settings with the batch's dynamic variables, no mocking, no counter agent, the agent's latest
   * revision.
   */
  public RunSettings(
      boolean agentSpeaksFirst,
      int maxTurns,
      int maxEvents,
      long runTimeoutSeconds,
      Session session,
      RetrySettings retry,
      Map<String, String> dynamicVariables) {
    this(
        agentSpeaksFirst,
        maxTurns,
        maxEvents,
        runTimeoutSeconds,
        session,
        retry,
        dynamicVariables,
        null,
        null,
        null);
  }

  /**
   * Canned tool results (Cognigy's {@code enableMocking}, Feather's {@code tool_overrides}).
   *
   * @param enabled the agent is told to use mocks (the {@code http} connector passes a flag)
   * @param toolOverrides by tool name
   */
  public record Mocking(boolean enabled, Map<String, ToolOverride> toolOverrides) {}

  /**
   * What a mocked tool answers: exactly one of {@code output} and {@code error}, after {@code
   * delayMs} (waited durably, by a workflow timer).
   */
  public record ToolOverride(Object output, String error, int delayMs) {}

  /**
   * Where a forked run comes from. Its simulated user first says again, in order and word for word,
   * the user messages the original run's transcript holds before {@code sequence}, each answered by
   * the agent in the fork's own new session; then it speaks for itself.
   *
   * @param runId the run whose transcript is replayed
   * @param sequence the stored sequence (0 for the first message) of the first message not replayed
   * @param userMessages how many user messages are replayed: the exchanges the fork begins with
   */
  public record Fork(String runId, int sequence, int userMessages) {}

  public record Session(
      String userId, String entrypoint, String locale, Map<String, Object> data) {}
}
