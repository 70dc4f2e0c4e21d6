package dev.agentsim.activities.agent;

import java.util.List;
import java.util.Map;

/**
 * What the agent answered to one message.
 *
 * @param texts its messages, in order; empty when it said nothing
 * @param data what it returned beside its text; null when nothing
 * @param ended the agent closed the conversation
 * @param latencyMs from sending the request to having read the reply
 */
public record AgentReply(
    List<String> texts, Map<String, Object> data, boolean ended, long latencyMs) {}
