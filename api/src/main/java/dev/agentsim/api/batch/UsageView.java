package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.llm.Usage;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tokens and cost of LLM calls, as both API dialects show them: one entry per role ({@code user},
 * {@code judge}, {@code summary}) and the {@code total}.
 *
 * @param cost from the model's prices; absent when it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageView(long promptTokens, long completionTokens, long calls, BigDecimal cost) {

  public static Map<String, UsageView> of(Usage usage) {
    Map<String, UsageView> view = new LinkedHashMap<>();
    for (LlmRole role : LlmRole.values()) {
      view.put(role.name().toLowerCase(Locale.ROOT), of(usage.of(role)));
    }
    view.put("total", of(usage.total()));
    return view;
  }

  private static UsageView of(Usage.Tokens tokens) {
    // Shown as short as it is exact: 0.000486, not 0.000486000.
    BigDecimal cost = tokens.cost() == null ? null : tokens.cost().stripTrailingZeros();
    return new UsageView(
        tokens.promptTokens(),
        tokens.completionTokens(),
        tokens.calls(),
        cost == null || cost.scale() >= 0 ? cost : cost.setScale(0));
  }
}
