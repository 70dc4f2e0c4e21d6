package dev.agentsim.workflows;

/** How a conversation ended. */
public enum TerminationReason {
  USER_STOP,
  AGENT_STOP,
  MAX_TURNS,
  MAX_EVENTS,
  TIMEOUT,
  AGENT_ERROR,
  USER_ERROR,
  CANCELLED;

  /** The conversation ended naturally: one of the parties closed it. */
  public boolean endsConversation() {
    return this == USER_STOP || this == AGENT_STOP;
  }
}
