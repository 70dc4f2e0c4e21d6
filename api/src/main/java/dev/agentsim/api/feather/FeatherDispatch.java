package dev.agentsim.api.feather;

import dev.agentsim.api.feather.FeatherValidation.Detail;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A validated {@code SimulationRunDispatch}: the body of {@code POST /v1/simulation/runs}, plus the
 * extension {@code model_id} (Feather has no model; without it the organization's only model plays
 * the user and judges).
 *
 * @param agentRevisionId the revision to test; null for the agent's latest
 * @param toolOverrides canned tool answers by tool name, in the order given; null for none
 * @param modelId null for the organization's only model
 */
record FeatherDispatch(
    UUID agentId,
    UUID agentRevisionId,
    UUID personaId,
    UUID scenarioId,
    String channel,
    Map<String, ToolOverride> toolOverrides,
    UUID modelId) {

  static final String TEXT = "text";
  static final String VOICE = "voice";
  static final int MAX_DELAY_MS = 60_000;
  private static final Set<String> OVERRIDE_FIELDS = Set.of("output", "error", "delay_ms");

  /**
   * Reads a request body, reporting every problem at once as Feather does.
   *
   * @throws FeatherValidation listing each field at fault
   */
  static FeatherDispatch parse(Object body) {
    List<Detail> problems = new ArrayList<>();
    if (body == null) {
      throw FeatherValidation.of(List.of("body"), "Field required", "missing");
    }
    if (!(body instanceof Map<?, ?> fields)) {
      throw new FeatherValidation(
          List.of(
              new Detail(
                  List.of("body"),
                  "Input should be a valid dictionary or object to extract fields from",
                  "model_attributes_type",
                  body,
                  null)));
    }
    UUID agentId = uuid(fields, "agent_id", true, problems);
    UUID agentRevisionId = uuid(fields, "agent_revision_id", false, problems);
    UUID personaId = uuid(fields, "persona_id", true, problems);
    UUID scenarioId = uuid(fields, "scenario_id", true, problems);
    String channel = channel(fields, problems);
    Map<String, ToolOverride> toolOverrides = toolOverrides(fields.get("tool_overrides"), problems);
    UUID modelId = uuid(fields, "model_id", false, problems);
    if (!problems.isEmpty()) {
      throw new FeatherValidation(problems);
    }
    return new FeatherDispatch(
        agentId, agentRevisionId, personaId, scenarioId, channel, toolOverrides, modelId);
  }

  private static UUID uuid(Map<?, ?> fields, String name, boolean required, List<Detail> problems) {
    Object value = fields.get(name);
    List<Object> loc = List.of("body", name);
    if (value == null) {
      if (required) {
        problems.add(new Detail(loc, "Field required", "missing"));
      }
      return null;
    }
    if (!(value instanceof String text)) {
      problems.add(
          new Detail(
              loc,
              "UUID input should be a string, bytes or UUID object",
              "uuid_type",
              value,
              null));
      return null;
    }
    try {
      UUID uuid = UUID.fromString(text);
      // UUID.fromString accepts short groups such as "1-2-3-4-5"; a UUID has 36 characters.
      if (text.length() == 36) {
        return uuid;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(new Detail(loc, "Input should be a valid UUID", "uuid_parsing", value, null));
    return null;
  }

  /** Feather's default channel is voice, which this service does not simulate yet. */
  private static String channel(Map<?, ?> fields, List<Detail> problems) {
    Object value = fields.containsKey("channel") ? fields.get("channel") : VOICE;
    List<Object> loc = List.of("body", "channel");
    if (!TEXT.equals(value) && !VOICE.equals(value)) {
      problems.add(
          new Detail(
              loc,
              "Input should be 'text' or 'voice'",
              "enum",
              value,
              Map.of("expected", "'text' or 'voice'")));
      return null;
    }
    if (VOICE.equals(value)) {
      problems.add(
          new Detail(
              loc,
              "Value error, the voice channel is not supported yet: set channel to \"text\""
                  + (fields.containsKey("channel") ? "" : " (Feather's default is voice)"),
              "value_error",
              value,
              null));
      return null;
    }
    return TEXT;
  }

  private static Map<String, ToolOverride> toolOverrides(Object value, List<Detail> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> byTool)) {
      problems.add(
          new Detail(
              List.of("body", "tool_overrides"),
              "Input should be a valid dictionary",
              "dict_type",
              value,
              null));
      return null;
    }
    Map<String, ToolOverride> overrides = new LinkedHashMap<>();
    byTool.forEach(
        (tool, canned) -> {
          ToolOverride override = cannedResponse(String.valueOf(tool), canned, problems);
          if (override != null) {
            overrides.put(String.valueOf(tool), override);
          }
        });
    return overrides;
  }

  /**
   * One {@code CannedToolResponse}: exactly one of {@code output} (present, even as null: a null
   * result) and a non-empty {@code error}, and {@code delay_ms} from 0 to 60000; nothing else.
   */
  private static ToolOverride cannedResponse(String tool, Object value, List<Detail> problems) {
    List<Object> loc = List.of("body", "tool_overrides", tool);
    if (!(value instanceof Map<?, ?> fields)) {
      problems.add(
          new Detail(
              loc,
              "Input should be a valid dictionary or instance of CannedToolResponse",
              "model_type",
              value,
              Map.of("class_name", "CannedToolResponse")));
      return null;
    }
    int before = problems.size();
    fields.forEach(
        (key, field) -> {
          if (!OVERRIDE_FIELDS.contains(String.valueOf(key))) {
            problems.add(
                new Detail(
                    at(loc, key),
                    "Extra inputs are not permitted",
                    "extra_forbidden",
                    field,
                    null));
          }
        });
    Object error = fields.get("error");
    if (error != null && !(error instanceof String)) {
      problems.add(
          new Detail(
              at(loc, "error"), "Input should be a valid string", "string_type", error, null));
    }
    int delayMs = delay(fields.get("delay_ms"), at(loc, "delay_ms"), problems);
    boolean hasOutput = fields.containsKey("output");
    boolean hasError = error != null;
    if (hasOutput == hasError) {
      problems.add(
          new Detail(
              loc,
              "Value error, exactly one of `output` or `error` must be set",
              "value_error",
              value,
              null));
    } else if (error instanceof String text && text.isBlank()) {
      problems.add(
          new Detail(
              at(loc, "error"),
              "Value error, `error` must not be empty",
              "value_error",
              error,
              null));
    }
    if (problems.size() > before) {
      return null;
    }
    return new ToolOverride(fields.get("output"), (String) error, delayMs);
  }

  private static int delay(Object value, List<Object> loc, List<Detail> problems) {
    if (value == null) {
      return 0;
    }
    long delay;
    if (value instanceof Integer || value instanceof Long) {
      delay = ((Number) value).longValue();
    } else if (value instanceof Double number
        && number == Math.rint(number)
        && !number.isInfinite()) {
      delay = number.longValue();
    } else {
      problems.add(new Detail(loc, "Input should be a valid integer", "int_type", value, null));
      return 0;
    }
    if (delay < 0) {
      problems.add(
          new Detail(
              loc,
              "Input should be greater than or equal to 0",
              "greater_than_equal",
              value,
              Map.of("ge", 0)));
    } else if (delay > MAX_DELAY_MS) {
      problems.add(
          new Detail(
              loc,
              "Input should be less than or equal to " + MAX_DELAY_MS,
              "less_than_equal",
              value,
              Map.of("le", MAX_DELAY_MS)));
    }
    return (int) Math.max(0, Math.min(delay, MAX_DELAY_MS));
  }

  private static List<Object> at(List<Object> loc, Object key) {
    List<Object> path = new ArrayList<>(loc);
    path.add(String.valueOf(key));
    return path;
  }
}
