package dev.agentsim.store.llm;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** What LLM calls cost, by the role they played. */
public record Usage(Map<LlmRole, Tokens> byRole) {

  public static final Usage NONE = new Usage(Map.of());

  /**
   * Calls of one role, or all of them.
   *
   * @param cost from the model's prices; null when no call had a price
   */
  public record Tokens(long promptTokens, long completionTokens, long calls, BigDecimal cost) {

    static final Tokens ZERO = new Tokens(0, 0, 0, null);

    Tokens plus(Tokens other) {
      BigDecimal sum = cost == null ? other.cost : other.cost == null ? cost : cost.add(other.cost);
      return new Tokens(
          promptTokens + other.promptTokens,
          completionTokens + other.completionTokens,
          calls + other.calls,
          sum);
    }
  }

  public Usage {
    byRole = Collections.unmodifiableMap(byRole.isEmpty() ? Map.of() : new EnumMap<>(byRole));
  }

  public Tokens of(LlmRole role) {
    return byRole.getOrDefault(role, Tokens.ZERO);
  }

  public Tokens total() {
    return byRole.values().stream().reduce(Tokens.ZERO, Tokens::plus);
  }
}
