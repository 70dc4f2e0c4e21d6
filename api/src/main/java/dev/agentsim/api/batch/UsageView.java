package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.llm.Usage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tokens and cost of LLM calls, as both API dialects show them: one entry per role
 * ({@code user}, {@code judge}, {@code summary}) and the {@code total}.
 *
 * @param cost from the model's prices; absent when it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageView(long promptTokens, long completionTokens, long calls, Double cost) {

  public static Map<String, UsageView> of(Usage usage) {
    Map<String, UsageView> view = new LinkedHashMap<>();
    for (LlmRole role : LlmRole.values()) {
      view.put(role.name().toLowerCase(Locale.ROOT), of(usage.of(role)));
    }
    view.put("total", of(usage.total()));
    return view;
  }

  private static UsageView of(Usage.Tokens tokens) {
    return new UsageView(tokens.promptTokens(), tokens.completionTokens(), tokens.calls(), tokens.cost());
  }
}
