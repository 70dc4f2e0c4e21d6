package dev.agentsim.activities.user;

/**
 * How the simulated user ends the conversation, written as a token at the end of its last message
 * (the tokens are τ²-bench's, which models already know). The name is what the run records.
 */
enum EndSignal {
  /** The mission is accomplished. */
  DONE("###STOP###"),
  /**
   * The mission cannot be accomplished: the agent cannot help, or it would need facts the user was
   * not given.
   */
  IMPOSSIBLE("###OUT-OF-SCOPE###"),
  /** The user is being handed over to a human or another agent. */
  TRANSFER("###TRANSFER###");

  final String token;

  EndSignal(String token) {
    this.token = token;
  }
}
