package dev.agentsim.store.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * How one success criterion was judged.
 *
 * @param confidence how sure the model judge is, 0 to 1; null for criteria judged by rule
 * @param turns the messages the judge's reason cites, by their 1-based sequence numbers as the
 *     run's {@code turns[]} show them; null for criteria judged by rule
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CriterionResult(
    String type,
    Map<String, Object> params,
    boolean passed,
    String reason,
    Double confidence,
    List<Integer> turns) {

  /** A result judged by rule, which is certain and cites no turn. */
  public CriterionResult(String type, Map<String, Object> params, boolean passed, String reason) {
    this(type, params, passed, reason, null, null);
  }
}
