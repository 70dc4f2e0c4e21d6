package dev.agentsim.activities.evaluation;

import static dev.agentsim.activities.evaluation.RuleCriteria.failed;
import static dev.agentsim.activities.evaluation.RuleCriteria.params;
import static dev.agentsim.activities.evaluation.RuleCriteria.string;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import dev.agentsim.store.definition.Expressions;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Turn;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The criteria on what the agent did beside talking: the tools it called ({@code tool_called}, read
 * from the run's {@code tool} turns) and the data its replies carried ({@code json_path}). Like the
 * other rule criteria they never throw: wrong parameters fail with a reason.
 */
final class ToolAndDataCriteria {

  private ToolAndDataCriteria() {}

  /**
   * {@code tool_called}: the agent called tool {@code params.name}, with arguments equal to {@code
   * params.arguments} (those named; others may be anything), exactly {@code params.times} times
   * when given, otherwise at least once.
   */
  static CriterionResult toolCalled(Criterion criterion, Transcript transcript) {
    Map<String, Object> params = params(criterion);
    String name = string(params.get("name"));
    if (name == null || name.isBlank()) {
      return failed(criterion, "The criterion has no params.name of a tool");
    }
    Object expected = params.get("arguments");
    if (expected != null && !(expected instanceof Map)) {
      return failed(
          criterion, "params.arguments must be an object of argument name to expected value");
    }
    Object timesParam = params.get("times");
    Integer times = timesParam == null ? null : wholeNumber(timesParam);
    if (timesParam != null && (times == null || times < 0)) {
      return failed(
          criterion, "params.times must be a whole number of at least 0, not " + timesParam);
    }
    Map<?, ?> arguments = expected == null ? Map.of() : (Map<?, ?>) expected;
    long calls =
        transcript.of(Turn.TOOL).stream()
            .filter(turn -> turn.data() != null && name.equals(turn.data().get("name")))
            .filter(turn -> matches(turn.data().get("arguments"), arguments))
            .count();
    String what =
        "Tool "
            + name
            + (arguments.isEmpty() ? "" : " with arguments " + arguments)
            + " was called "
            + calls
            + (calls == 1 ? " time" : " times");
    boolean passed = times == null ? calls > 0 : calls == times;
    return new CriterionResult(
        criterion.type(),
        criterion.params(),
        passed,
        times == null ? what : what + "; expected exactly " + times);
  }

  /**
   * {@code json_path}: some agent reply's data has {@code params.path}; equal to {@code
   * params.equals} when given; with {@code params.exists} false, no reply's data has it.
   */
  static CriterionResult jsonPath(Criterion criterion, Transcript transcript) {
    Map<String, Object> params = params(criterion);
    String path = string(params.get("path"));
    if (path == null || path.isBlank()) {
      return failed(
          criterion, "The criterion has no params.path (a JsonPath over the agent's reply data)");
    }
    JsonPath compiled;
    try {
      compiled = Expressions.jsonPath(path);
    } catch (IllegalArgumentException e) {
      return failed(criterion, "params.path " + e.getMessage());
    }
    boolean hasEquals = params.containsKey("equals");
    Object existsParam = params.get("exists");
    if (existsParam != null && !(existsParam instanceof Boolean)) {
      return failed(criterion, "params.exists must be true or false, not " + existsParam);
    }
    boolean mustExist = !Boolean.FALSE.equals(existsParam);
    Object expected = params.get("equals");
    for (Turn turn : transcript.of(Turn.AGENT)) {
      if (turn.data() == null) {
        continue;
      }
      Object value;
      try {
        value = compiled.read(turn.data());
      } catch (InvalidPathException e) {
        // Not there (PathNotFoundException), or a property path applied to an array.
        continue;
      }
      if (value instanceof List<?> list && !compiled.isDefinite() && list.isEmpty()) {
        continue;
      }
      if (!mustExist) {
        return failed(
            criterion,
            "Agent message [" + Transcript.number(turn) + "] has data at " + path + ": " + value);
      }
      if (!hasEquals
          || same(value, expected)
          || (!compiled.isDefinite()
              && value instanceof List<?> list
              && list.stream().anyMatch(v -> same(v, expected)))) {
        return new CriterionResult(
            criterion.type(),
            criterion.params(),
            true,
            "Agent message ["
                + Transcript.number(turn)
                + "] has data at "
                + path
                + (hasEquals ? " equal to " + expected : ": " + value));
      }
    }
    if (!mustExist) {
      return new CriterionResult(
          criterion.type(), criterion.params(), true, "No agent message has data at " + path);
    }
    return failed(
        criterion,
        "No agent message has data at " + path + (hasEquals ? " equal to " + expected : ""));
  }

  private static boolean matches(Object actual, Map<?, ?> expected) {
    if (expected.isEmpty()) {
      return true;
    }
    if (!(actual instanceof Map<?, ?> arguments)) {
      return false;
    }
    return expected.entrySet().stream()
        .allMatch(
            e ->
                arguments.containsKey(e.getKey()) && same(arguments.get(e.getKey()), e.getValue()));
  }

  /** JSON equality: 2 and 2.0 are the same number. */
  private static boolean same(Object actual, Object expected) {
    if (actual instanceof Number a && expected instanceof Number b) {
      return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
    }
    return Objects.equals(actual, expected);
  }

  private static Integer wholeNumber(Object value) {
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.intValue();
    }
    return null;
  }
}
