package dev.agentsim.workflows.run;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The agent under test. */
@ActivityInterface
public interface AgentActivities {

  /**
   * Sends the latest user message (none when the agent speaks first) and stores the agent's reply.
   * Throws an {@code ApplicationFailure} of type {@code AI_AGENT_ERROR} or {@code
   * AI_AGENT_TIMEOUT}.
   */
  @ActivityMethod
  TurnResult agentTurn(TurnRequest request);

  /**
   * A scripted user's next line and the agent's answer to it, in one activity: a line of the script
   * calls no one and needs no activity of its own. The agent is asked only when the line neither
   * ended the conversation nor reached the run's message limit. Fails as {@link #agentTurn} does.
   */
  @ActivityMethod
  Exchange scriptedExchange(TurnRequest request);

  /**
   * The two turns of {@link #scriptedExchange}.
   *
   * @param agent null when the agent was not asked
   */
  record Exchange(TurnResult user, TurnResult agent) {}
}
