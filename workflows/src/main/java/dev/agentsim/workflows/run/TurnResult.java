package dev.agentsim.workflows.run;

/**
 * What one party said.
 *
 * @param nextSequence the sequence number after the messages this turn stored
 * @param ended the party closed the conversation (mission over, or the agent hung up)
 * @param waitMillis the turn is not over: the workflow waits this long (a mocked tool's delay,
 *     waited by a durable timer) and asks the party again to continue it; 0 when the turn is done
 */
public record TurnResult(int nextSequence, boolean ended, long waitMillis) {

  /** A finished turn. */
  public TurnResult(int nextSequence, boolean ended) {
    this(nextSequence, ended, 0);
  }
}
