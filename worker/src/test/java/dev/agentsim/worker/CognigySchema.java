package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Checks responses against the Cognigy Simulator API reference (shared/seeds 000-002): every field
 * it marks required is present, and every field present has its type and enum values.
 */
final class CognigySchema {

  static final List<String> BATCH_STATUSES =
      List.of("pending", "running", "completed", "failed", "stopped");
  static final List<String> RUN_STATUSES = List.of("SUCCESS", "FAILED", "ERROR");
  static final List<String> CATEGORIES =
      List.of("NONE", "LLM_PROVIDER_ERROR", "AI_AGENT_TIMEOUT", "AI_AGENT_ERROR", "UNKNOWN");
  static final List<String> SENTIMENTS = List.of("positive", "negative", "neutral");

  private CognigySchema() {}

  static void assertBatch(Map<String, Object> batch) {
    requireStrings(batch, "id", "referenceId", "simulationReference");
    assertThat(BATCH_STATUSES).contains((String) batch.get("status"));
    requireIntegers(batch, "runs", "completedRuns", "failedRuns", "createdAt");
    for (String nullable : List.of("startedAt", "completedAt")) {
      if (batch.get(nullable) != null) {
        assertThat(batch.get(nullable)).as(nullable).isInstanceOf(Number.class);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static void assertRunPage(Map<String, Object> page) {
    assertThat(page.get("data")).isInstanceOf(List.class);
    ((List<Map<String, Object>>) page.get("data")).forEach(CognigySchema::assertRun);
    Map<String, Object> pagination = (Map<String, Object>) page.get("pagination");
    requireIntegers(pagination, "limit", "skip", "total");
    assertThat(pagination.get("hasNext")).isInstanceOf(Boolean.class);
    assertThat(pagination.get("hasPrevious")).isInstanceOf(Boolean.class);
    for (String cursor : List.of("next", "previous")) {
      if (pagination.get(cursor) != null) {
        assertThat(pagination.get(cursor)).isInstanceOf(String.class);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static void assertRun(Map<String, Object> run) {
    requireStrings(
        run,
        "id",
        "organisationReference",
        "projectReference",
        "simulationReference",
        "simulationRunBatchReference",
        "largeLanguageModelReferenceId",
        "createdBy");
    requireIntegers(run, "sequence", "totalTurns", "createdAt");
    optionalIntegers(run, "maxTurns", "duration");
    if (run.containsKey("endPointType")) {
      assertThat(run.get("endPointType")).isInstanceOf(String.class);
    }
    if (run.containsKey("expiresAt")) {
      OffsetDateTime.parse((String) run.get("expiresAt"));
    }
    List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
    assertThat(turns).as("turns").isNotNull();
    assertThat(run.get("totalTurns")).isEqualTo(turns.size());
    for (Map<String, Object> turn : turns) {
      requireStrings(turn, "id", "text");
      requireIntegers(turn, "sequence", "createdAt");
      assertThat(turn.get("data")).isInstanceOf(Map.class);
    }
    List<Map<String, Object>> criteria = (List<Map<String, Object>>) run.get("successCriteria");
    assertThat(criteria).as("successCriteria").isNotNull();
    for (Map<String, Object> criterion : criteria) {
      requireStrings(criterion, "type");
      assertThat(criterion.get("params")).isInstanceOf(Map.class);
    }
    Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
    assertThat(metrics).as("metrics").isNotNull();
    if (metrics.containsKey("sentiment")) {
      assertThat(SENTIMENTS).contains((String) metrics.get("sentiment"));
    }
    for (String flag : List.of("success", "isBatchStopped", "isConversationEnded")) {
      if (metrics.containsKey(flag)) {
        assertThat(metrics.get(flag)).as(flag).isInstanceOf(Boolean.class);
      }
    }
    if (metrics.containsKey("results")) {
      assertThat(metrics.get("results")).isInstanceOf(List.class);
    }
    if (metrics.containsKey("summary")) {
      assertThat(metrics.get("summary")).isInstanceOf(String.class);
    }
    if (metrics.containsKey("successRate")) {
      Map<String, Object> rate = (Map<String, Object>) metrics.get("successRate");
      assertThat(rate.get("percentage")).isInstanceOf(Number.class);
      requireIntegers(rate, "numerator", "denominator");
    }
    if (metrics.containsKey("errorInfo")) {
      Map<String, Object> error = (Map<String, Object>) metrics.get("errorInfo");
      if (error.containsKey("category")) {
        assertThat(CATEGORIES).contains((String) error.get("category"));
      }
      for (String text : List.of("message", "technicalDetails")) {
        if (error.containsKey(text)) {
          assertThat(error.get(text)).isInstanceOf(String.class);
        }
      }
    }
    if (metrics.containsKey("status")) {
      assertThat(RUN_STATUSES).contains((String) metrics.get("status"));
    }
  }

  static void assertValidationError(Map<String, Object> body, String field) {
    requireStrings(body, "error", "field", "traceId");
    assertThat(body.get("field")).isEqualTo(field);
  }

  static void assertError(Map<String, Object> body) {
    requireStrings(body, "error", "traceId");
  }

  private static void requireStrings(Map<String, Object> object, String... keys) {
    for (String key : keys) {
      assertThat(object.get(key)).as(key).isInstanceOf(String.class);
    }
  }

  private static void requireIntegers(Map<String, Object> object, String... keys) {
    for (String key : keys) {
      assertThat(object.get(key)).as(key).isInstanceOfAny(Integer.class, Long.class);
    }
  }

  private static void optionalIntegers(Map<String, Object> object, String... keys) {
    for (String key : keys) {
      if (object.containsKey(key)) {
        assertThat(object.get(key)).as(key).isInstanceOfAny(Integer.class, Long.class);
      }
    }
  }
}
