package dev.agentsim.activities.agent;

import java.util.Map;

/**
 * What is sent to the agent for one turn.
 *
 * @param text the simulated user's latest message; null when the agent speaks first
 * @param data the session's data, sent with every message as configured for the batch
 * @param turn how many user messages the conversation already has
 * @param idempotencyKey {@code <runId>:<sequence>}: the same for every attempt of one turn
 */
public record AgentMessage(
    String sessionId,
    String userId,
    String text,
    Map<String, Object> data,
    int turn,
    String entrypoint,
    String locale,
    String idempotencyKey) {}
