package dev.agentsim.workflows.run;

/**
 * What one party said.
 *
 * @param nextSequence the sequence number after the messages this turn stored
 * @param ended the party closed the conversation (mission over, or the agent hung up)
 */
public record TurnResult(int nextSequence, boolean ended) {}
