package dev.agentsim.workflows.run;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The agent under test. */
@ActivityInterface
public interface AgentActivities {

  /**
   * Sends the latest user message (none when the agent speaks first) and stores the agent's
   * reply. Throws an {@code ApplicationFailure} of type {@code AI_AGENT_ERROR} or
   * {@code AI_AGENT_TIMEOUT}.
   */
  @ActivityMethod
  TurnResult agentTurn(TurnRequest request);
}
