package dev.agentsim.activities.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's answer.
 *
 * @param text what it wrote; never null, may be empty
 * @param inputTokens as the provider reported; null when it did not
 * @param outputTokens as the provider reported; null when it did not
 */
public record LlmReply(String text, Integer inputTokens, Integer outputTokens) {

  /**
   * Token usage as stored with a turn: {@code {"inputTokens":..,"outputTokens":..}}; empty when
   * unknown.
   */
  public Map<String, Object> usage() {
    Map<String, Object> usage = new LinkedHashMap<>();
    if (inputTokens != null) {
      usage.put("inputTokens", inputTokens);
    }
    if (outputTokens != null) {
      usage.put("outputTokens", outputTokens);
    }
    return usage;
  }
}
