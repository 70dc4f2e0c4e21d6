package dev.agentsim.store.run;

import java.time.Instant;
import java.util.Map;

/**
 * One message of a conversation.
 *
 * @param role {@code user} or {@code agent}
 * @param data what the agent returned beside its text
 * @param latencyMs how long the agent took to answer; null for the user
 */
public record Turn(int sequence, String role, String text, Map<String, Object> data, Integer latencyMs,
    Instant createdAt) {

  public static final String USER = "user";
  public static final String AGENT = "agent";
}
