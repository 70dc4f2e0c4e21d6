package dev.agentsim.store.definition;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored version of an agent: every create and update of an agent adds one, never changed
 * afterwards.
 *
 * @param number 1 for the agent as created, one more for each update
 */
public record AgentRevision(UUID id, UUID agentId, int number, Instant createdAt) {}
