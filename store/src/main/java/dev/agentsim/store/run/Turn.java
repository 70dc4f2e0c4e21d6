package dev.agentsim.store.run;

import java.time.Instant;
import java.util.Map;

/**
 * One message of a conversation.
 *
 * @param role {@code user}, {@code agent}, or {@code tool}: a tool call an {@code openai-chat}
 *     agent made and its (mocked) result
 * @param data what the agent returned beside its text
 * @param latencyMs how long the agent took to answer; null for the user
 */
public record Turn(
    int sequence,
    String role,
    String text,
    Map<String, Object> data,
    Integer latencyMs,
    Instant createdAt) {

  public static final String USER = "user";
  public static final String AGENT = "agent";
  public static final String TOOL = "tool";
}
