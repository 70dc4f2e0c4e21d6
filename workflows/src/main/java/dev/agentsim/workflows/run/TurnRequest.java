package dev.agentsim.workflows.run;

/**
 * Asks one party for its next message.
 *
 * @param sequence the sequence number the next stored message gets
 * @param exchange how many user messages the conversation already has
 */
public record TurnRequest(RunInput run, int sequence, int exchange) {}
