package dev.agentsim.activities.agent;

import dev.agentsim.workflows.run.RunSettings.Mocking;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is sent to the agent for one turn.
 *
 * @param text the simulated user's latest message; null when the agent speaks first
 * @param data the session's data, sent with every message as configured for the batch
 * @param turn how many user messages the conversation already has
 * @param idempotencyKey {@code <runId>:<sequence>}: the same for every attempt of one turn
 * @param mocking the batch's canned tool results; null when the agent is not told to mock
 */
public record AgentMessage(
    String sessionId,
    String userId,
    String text,
    Map<String, Object> data,
    int turn,
    String entrypoint,
    String locale,
    String idempotencyKey,
    Mocking mocking) {

  /** A message without mocking. */
  public AgentMessage(
      String sessionId,
      String userId,
      String text,
      Map<String, Object> data,
      int turn,
      String entrypoint,
      String locale,
      String idempotencyKey) {
    this(sessionId, userId, text, data, turn, entrypoint, locale, idempotencyKey, null);
  }

  /** Whether the agent is told to use canned tool results. */
  boolean mocked() {
    return mocking != null && mocking.enabled();
  }

  /**
   * The mocking as agents receive it: {@code {"enabled": true, "toolOverrides": {name:
   * {"output"|"error", "delayMs"}}}}; null when not mocked.
   */
  Map<String, Object> mockingBody() {
    if (!mocked()) {
      return null;
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (mocking.toolOverrides() != null) {
      mocking
          .toolOverrides()
          .forEach(
              (name, override) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                if (override.error() != null) {
                  one.put("error", override.error());
                } else {
                  one.put("output", override.output());
                }
                one.put("delayMs", override.delayMs());
                overrides.put(name, one);
              });
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("enabled", true);
    body.put("toolOverrides", overrides);
    return body;
  }
}
