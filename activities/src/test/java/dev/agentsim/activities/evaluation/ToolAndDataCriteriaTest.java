package dev.agentsim.activities.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.TerminationReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tool_called reads the run's tool turns, json_path the agent replies' data. */
class ToolAndDataCriteriaTest {

  private static final Transcript TRANSCRIPT =
      new Transcript(
          List.of(
              turn(0, Turn.USER, "Where is order A-17?", null),
              turn(
                  1,
                  Turn.TOOL,
                  "lookup_order → …",
                  Map.of(
                      "name",
                      "lookup_order",
                      "arguments",
                      Map.of("orderId", "A-17", "verbose", true),
                      "result",
                      Map.of("status", "shipped"))),
              turn(
                  2,
                  Turn.TOOL,
                  "lookup_order → …",
                  Map.of(
                      "name",
                      "lookup_order",
                      "arguments",
                      Map.of("orderId", "B-2"),
                      "error",
                      "not found")),
              turn(
                  3,
                  Turn.AGENT,
                  "It has shipped.",
                  Map.of(
                      "intent",
                      "order_status",
                      "outputs",
                      List.of(Map.of("data", Map.of("eta", 2))))),
              turn(4, Turn.AGENT, "Anything else?", null)),
          TerminationReason.MAX_TURNS);

  private static Turn turn(int sequence, String role, String text, Map<String, Object> data) {
    return new Turn(sequence, role, text, data, null, Instant.EPOCH);
  }

  private static CriterionResult toolCalled(Map<String, Object> params) {
    return ToolAndDataCriteria.toolCalled(new Criterion("tool_called", params), TRANSCRIPT);
  }

  private static CriterionResult jsonPath(Map<String, Object> params) {
    return ToolAndDataCriteria.jsonPath(new Criterion("json_path", params), TRANSCRIPT);
  }

  @Test
  void toolCalledPassesWhenTheToolTurnsShowTheCall() {
    assertThat(toolCalled(Map.of("name", "lookup_order")).passed()).isTrue();
    assertThat(toolCalled(Map.of("name", "lookup_order", "times", 2)).passed()).isTrue();
    CriterionResult matched =
        toolCalled(Map.of("name", "lookup_order", "arguments", Map.of("orderId", "A-17")));
    assertThat(matched.passed()).isTrue();
    assertThat(matched.reason()).contains("was called 1 time");
  }

  @Test
  void toolCalledFailsOnAnotherToolOtherArgumentsOrAnotherCount() {
    assertThat(toolCalled(Map.of("name", "refund")).passed()).isFalse();
    assertThat(
            toolCalled(Map.of("name", "lookup_order", "arguments", Map.of("orderId", "C-3")))
                .passed())
        .isFalse();
    CriterionResult wrongCount = toolCalled(Map.of("name", "lookup_order", "times", 1));
    assertThat(wrongCount.passed()).isFalse();
    assertThat(wrongCount.reason())
        .isEqualTo("Tool lookup_order was called 2 times; expected exactly 1");
    assertThat(toolCalled(Map.of("name", "refund", "times", 0)).passed()).isTrue();
    assertThat(toolCalled(Map.of()).reason())
        .isEqualTo("The criterion has no params.name of a tool");
    assertThat(toolCalled(Map.of("name", "x", "times", "often")).passed()).isFalse();
  }

  @Test
  void jsonPathPassesWhenAnAgentReplysDataMatches() {
    assertThat(jsonPath(Map.of("path", "$.intent")).passed()).isTrue();
    CriterionResult equal = jsonPath(Map.of("path", "$.intent", "equals", "order_status"));
    assertThat(equal.passed()).isTrue();
    assertThat(equal.reason())
        .isEqualTo("Agent message [4] has data at $.intent equal to order_status");
    assertThat(jsonPath(Map.of("path", "$.outputs[*].data.eta", "equals", 2.0)).passed()).isTrue();
    assertThat(jsonPath(Map.of("path", "$.handover", "exists", false)).passed()).isTrue();
  }

  @Test
  void jsonPathFailsWhenNoAgentReplysDataMatches() {
    assertThat(jsonPath(Map.of("path", "$.intent", "equals", "refund")).passed()).isFalse();
    // Tool turns are not replies: their data is not looked at.
    assertThat(jsonPath(Map.of("path", "$.result.status")).passed()).isFalse();
    assertThat(jsonPath(Map.of("path", "$.intent", "exists", false)).passed()).isFalse();
    CriterionResult invalid = jsonPath(Map.of("path", "$[?("));
    assertThat(invalid.passed()).isFalse();
    assertThat(invalid.reason()).startsWith("params.path $[?( is not a valid JsonPath expression");
  }

  /** JsonPath's =~ runs java.util.regex: refused, so no pattern reaches it. */
  @Test
  void jsonPathRegexFiltersAreRefused() {
    CriterionResult result = jsonPath(Map.of("path", "$.outputs[?(@.text =~ /(.*a){30}x/)]"));

    assertThat(result.passed()).isFalse();
    assertThat(result.reason()).contains("uses a regex filter (=~)");
  }
}
