package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.workflows.batch.Precision;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of {@code POST /v1/batches}: a batch in the project's own terms. Only these fields are
 * read; any other is refused. Written back (a schedule's template) without the fields left out.
 *
 * @param modelId the model playing the simulated user and judging; may be left out when a counter
 *     agent plays the user
 * @param runs how many runs, 1 by default
 * @param timeoutSeconds limit of the whole batch; none by default
 * @param labels free key/values to find the batch by, e.g. {@code {"commit": "3f2a9c1", "branch":
 *     "main"}}
 * @param until adaptive sampling instead of a fixed count of runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchRequest(
    UUID scenarioId,
    UUID agentId,
    UUID agentRevisionId,
    UUID modelId,
    UUID counterAgentId,
    String name,
    Integer runs,
    Integer concurrency,
    Boolean stopOnFailure,
    Integer timeoutSeconds,
    Integer maxEvents,
    Map<String, String> dynamicVariables,
    MockingRequest mocking,
    Map<String, String> labels,
    UntilRequest until) {

  static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
  static final int MAX_DELAY_MS = 60_000;
  static final int MAX_LABELS = 50;

  /**
   * Runs until the pass rate's 95% Wilson interval, over the judged runs (SUCCESS and FAILED), is
   * at most {@code halfWidth} either side, once {@code minRuns} runs are judged; or until {@code
   * maxRuns} runs have started.
   *
   * @param halfWidth in (0, 0.5]; required
   * @param minRuns judged runs before the interval is looked at; 1 by default
   * @param maxRuns the most runs to start, up to {@value StartBatch#MAX_RUNS}; the batch's {@code
   *     runs} when left out, and one of the two is required
   */
  public record UntilRequest(Double halfWidth, Integer minRuns, Integer maxRuns) {}

  /**
   * @param enabled the agent is told to use mocks; true by default
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MockingRequest(Boolean enabled, Map<String, ToolOverrideRequest> toolOverrides) {}

  /**
   * What a mocked tool answers: exactly one of {@code output} (any JSON, null included) and {@code
   * error}, after {@code delayMs} (0 to {@value BatchRequest#MAX_DELAY_MS}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ToolOverrideRequest(JsonNode output, String error, Integer delayMs) {}

  /**
   * The request to schedule, every value checked.
   *
   * @param defaultName the batch's name when the body gives none
   * @param json reads tool outputs into plain values, as the workflow carries them
   * @throws FieldError naming the first field at fault
   */
  StartBatch toSchedule(String projectId, String defaultName, JsonMapper json) {
    required(scenarioId, "scenarioId");
    required(agentId, "agentId");
    if (modelId == null && counterAgentId == null) {
      throw new FieldError(
          "modelId", "REQUIRED", "modelId is required unless a counterAgentId plays the user");
    }
    if (name != null && name.isBlank()) {
      throw new FieldError("name", "INVALID_VALUE", "name must not be blank");
    }
    int runCount = range("runs", runs, 1, StartBatch.MAX_RUNS, 1);
    Precision precision = null;
    if (until != null) {
      precision = checkedUntil();
      runCount = until.maxRuns() == null ? runs : until.maxRuns();
    }
    int parallel =
        range(
            "concurrency",
            concurrency,
            1,
            StartBatch.MAX_CONCURRENCY,
            StartBatch.DEFAULT_CONCURRENCY);
    int timeout = range("timeoutSeconds", timeoutSeconds, 1, MAX_TIMEOUT_SECONDS, 0);
    Integer events =
        maxEvents == null
            ? null
            : range("maxEvents", maxEvents, StartBatch.MIN_EVENTS, StartBatch.MAX_EVENTS, 0);
    Map<String, String> checkedLabels = checkedLabels();
    Map<String, Object> runConfig = new LinkedHashMap<>();
    runConfig.put("agentId", agentId.toString());
    if (modelId != null) {
      runConfig.put("modelId", modelId.toString());
    }
    return new StartBatch(
        projectId,
        scenarioId,
        agentId,
        modelId,
        name == null ? defaultName : name,
        runCount,
        parallel,
        Boolean.TRUE.equals(stopOnFailure),
        timeout,
        events,
        "native",
        new Session(null, null, null, Map.of()),
        runConfig,
        "api",
        values("dynamicVariables", dynamicVariables),
        checkedMocking(json),
        counterAgentId,
        agentRevisionId,
        checkedLabels,
        precision,
        null);
  }

  /** The precision asked for; {@code runs}, if given, must agree with {@code until.maxRuns}. */
  private Precision checkedUntil() {
    if (until.halfWidth() == null) {
      throw new FieldError("until.halfWidth", "REQUIRED", "until.halfWidth is required");
    }
    if (!(until.halfWidth() > 0 && until.halfWidth() <= 0.5)) {
      throw new FieldError(
          "until.halfWidth",
          "OUT_OF_RANGE",
          "until.halfWidth must be greater than 0 and at most 0.5");
    }
    int minRuns = range("until.minRuns", until.minRuns(), 1, StartBatch.MAX_RUNS, 1);
    if (until.maxRuns() == null && runs == null) {
      throw new FieldError(
          "until.maxRuns", "REQUIRED", "until.maxRuns is required unless runs is given");
    }
    if (until.maxRuns() != null) {
      range("until.maxRuns", until.maxRuns(), minRuns, StartBatch.MAX_RUNS, 0);
      if (runs != null && !runs.equals(until.maxRuns())) {
        throw new FieldError(
            "runs", "INVALID_VALUE", "runs must be left out or equal until.maxRuns");
      }
    } else if (runs < minRuns) {
      throw new FieldError("runs", "OUT_OF_RANGE", "runs must be at least until.minRuns");
    }
    return new Precision(until.halfWidth(), minRuns);
  }

  private Map<String, String> checkedLabels() {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > MAX_LABELS) {
      throw new FieldError(
          "labels", "TOO_MANY", "labels may hold at most " + MAX_LABELS + " entries");
    }
    labels
        .keySet()
        .forEach(
            key -> {
              if (key.isBlank() || key.contains(":")) {
                throw new FieldError(
                    "labels." + key,
                    "INVALID_KEY",
                    "A label key must be non-empty and hold no ':'");
              }
            });
    return values("labels", labels);
  }

  private Mocking checkedMocking(JsonMapper json) {
    if (mocking == null) {
      return null;
    }
    Map<String, ToolOverride> overrides = new LinkedHashMap<>();
    if (mocking.toolOverrides() != null) {
      mocking
          .toolOverrides()
          .forEach(
              (tool, override) -> {
                String field = "mocking.toolOverrides." + tool;
                if (override == null) {
                  throw new FieldError(field, "INVALID_TYPE", field + " must be an object");
                }
                boolean hasOutput = override.output() != null;
                boolean hasError = override.error() != null;
                if (hasOutput == hasError) {
                  throw new FieldError(
                      field, "INVALID_VALUE", field + " must have exactly one of output and error");
                }
                if (hasError && override.error().isBlank()) {
                  throw new FieldError(
                      field + ".error", "INVALID_VALUE", field + ".error must not be blank");
                }
                int delay = range(field + ".delayMs", override.delayMs(), 0, MAX_DELAY_MS, 0);
                Object output =
                    hasOutput ? json.treeToValue(override.output(), Object.class) : null;
                overrides.put(tool, new ToolOverride(output, override.error(), delay));
              });
    }
    return new Mocking(!Boolean.FALSE.equals(mocking.enabled()), overrides);
  }

  private static Map<String, String> values(String field, Map<String, String> map) {
    if (map == null) {
      return null;
    }
    map.forEach(
        (key, value) -> {
          if (value == null) {
            throw new FieldError(
                field + "." + key, "INVALID_TYPE", field + "." + key + " must be a string");
          }
        });
    return new LinkedHashMap<>(map);
  }

  private static void required(Object value, String field) {
    if (value == null) {
      throw new FieldError(field, "REQUIRED", field + " is required");
    }
  }

  private static int range(String field, Integer value, int min, int max, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw new FieldError(
          field, "OUT_OF_RANGE", field + " must be between " + min + " and " + max);
    }
    return value;
  }
}
