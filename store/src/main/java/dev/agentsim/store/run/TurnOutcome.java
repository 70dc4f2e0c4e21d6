package dev.agentsim.store.run;

/**
 * How one party's turn ended, as stored with its messages.
 *
 * @param nextSequence the sequence after the messages the turn stored
 * @param ended the party closed the conversation
 * @param waitMillis the turn continues after this wait (a mocked tool's delay); 0 when it is over
 */
public record TurnOutcome(int nextSequence, boolean ended, long waitMillis) {

  /** What a turn of a run that is already final gets: nothing stored, the conversation over. */
  public static TurnOutcome runIsFinal(int sequence) {
    return new TurnOutcome(sequence, true, 0);
  }
}
