package dev.agentsim.workflows.run;

/**
 * What a conversation carries across continue-as-new.
 *
 * @param sequence the sequence the next stored message gets
 * @param exchanges user messages so far
 * @param deadlineMillis workflow time at which the run times out; 0 means none
 */
public record ConversationState(int sequence, int exchanges, long deadlineMillis) {}
