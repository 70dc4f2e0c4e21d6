package dev.agentsim.api.cognigy;

import dev.agentsim.api.Ids;
import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and validates the body of {@code POST /simulations/{ref}/schedule}: the seed's fields, plus
 * the extensions {@code concurrency}, {@code stopOnFailure}, {@code timeoutSeconds}, {@code
 * maxEvents} and {@code dynamicVariables}. Every problem names its field.
 */
final class CognigyScheduleParser {

  private CognigyScheduleParser() {}

  static StartBatch parse(String projectId, String simulationReference, Map<String, Object> body) {
    if (body == null) {
      throw new FieldError("body", "REQUIRED", "A JSON request body is required");
    }
    String projectReference = requiredString(body, "projectReference", "projectReference");
    if (!projectReference.equals(projectId)) {
      throw new FieldError(
          "projectReference",
          "MISMATCH",
          "projectReference must equal the projectId query parameter");
    }
    String name = requiredString(body, "name", "name");
    int runs = requiredInt(body, "numberOfExecutions", 1, StartBatch.MAX_RUNS);
    Object endPointType = body.get("endPointType");
    if (endPointType != null && !(endPointType instanceof String)) {
      throw new FieldError("endPointType", "INVALID_TYPE", "endPointType must be a string");
    }
    Map<String, Object> runConfig = object(body, "runConfig", "runConfig", true);
    UUID agentId = reference(runConfig, "flowReferenceId", "Flow");
    String entrypoint = requiredString(runConfig, "entrypoint", "runConfig.entrypoint");
    UUID modelId = reference(runConfig, "largeLanguageModelReferenceId", "Large language model");
    String locale = optionalString(runConfig, "localeReferenceId");
    String userId = optionalString(runConfig, "userId");
    Map<String, Object> data = object(runConfig, "data", "runConfig.data", false);
    Object mocking = runConfig.get("enableMocking");
    if (mocking != null && !(mocking instanceof Boolean)) {
      throw new FieldError(
          "runConfig.enableMocking", "INVALID_TYPE", "runConfig.enableMocking must be a boolean");
    }

    int concurrency =
        optionalInt(
            body, "concurrency", 1, StartBatch.MAX_CONCURRENCY, StartBatch.DEFAULT_CONCURRENCY);
    boolean stopOnFailure = optionalBoolean(body, "stopOnFailure");
    int timeoutSeconds = optionalInt(body, "timeoutSeconds", 1, 7 * 24 * 3600, 0);
    Integer maxEvents =
        body.get("maxEvents") == null
            ? null
            : optionalInt(body, "maxEvents", StartBatch.MIN_EVENTS, StartBatch.MAX_EVENTS, 0);
    Map<String, String> dynamicVariables =
        strings(object(body, "dynamicVariables", "dynamicVariables", false), "dynamicVariables");

    UUID scenarioId =
        Ids.parse(simulationReference)
            .orElseThrow(() -> new NotFound("Simulation " + simulationReference + " not found"));
    // Without a userId each run gets its own (agentsim-<runId>), as distinct simulated users would.
    Session session = new Session(userId, entrypoint, locale, data == null ? Map.of() : data);
    return new StartBatch(
        projectId,
        scenarioId,
        agentId,
        modelId,
        name,
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        maxEvents,
        (String) endPointType,
        session,
        runConfig,
        "api",
        dynamicVariables,
        Boolean.TRUE.equals(mocking) ? new Mocking(true, Map.of()) : null,
        null,
        null,
        Map.of(),
        null,
        null);
  }

  private static UUID reference(Map<String, Object> runConfig, String key, String what) {
    String value = requiredString(runConfig, key, "runConfig." + key);
    return Ids.parse(value).orElseThrow(() -> new NotFound(what + " " + value + " not found"));
  }

  private static String requiredString(Map<String, Object> object, String key, String field) {
    Object value = object.get(key);
    if (value == null) {
      throw new FieldError(field, "REQUIRED", field + " is required");
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new FieldError(field, "INVALID_TYPE", field + " must be a non-empty string");
    }
    return text;
  }

  private static String optionalString(Map<String, Object> runConfig, String key) {
    Object value = runConfig.get(key);
    if (value != null && !(value instanceof String)) {
      throw new FieldError(
          "runConfig." + key, "INVALID_TYPE", "runConfig." + key + " must be a string");
    }
    return (String) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(
      Map<String, Object> parent, String key, String field, boolean required) {
    Object value = parent.get(key);
    if (value == null) {
      if (required) {
        throw new FieldError(field, "REQUIRED", field + " is required");
      }
      return null;
    }
    if (!(value instanceof Map)) {
      throw new FieldError(field, "INVALID_TYPE", field + " must be an object");
    }
    return (Map<String, Object>) value;
  }

  private static Map<String, String> strings(Map<String, Object> object, String field) {
    if (object == null) {
      return null;
    }
    Map<String, String> strings = new LinkedHashMap<>();
    object.forEach(
        (key, value) -> {
          if (!(value instanceof String text)) {
            throw new FieldError(
                field + "." + key, "INVALID_TYPE", field + "." + key + " must be a string");
          }
          strings.put(key, text);
        });
    return strings;
  }

  private static int requiredInt(Map<String, Object> body, String key, int min, int max) {
    if (body.get(key) == null) {
      throw new FieldError(key, "REQUIRED", key + " is required");
    }
    return optionalInt(body, key, min, max, 0);
  }

  private static int optionalInt(
      Map<String, Object> body, String key, int min, int max, int fallback) {
    Object value = body.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new FieldError(key, "INVALID_TYPE", key + " must be an integer");
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw new FieldError(key, "OUT_OF_RANGE", key + " must be between " + min + " and " + max);
    }
    return (int) number;
  }

  private static boolean optionalBoolean(Map<String, Object> body, String key) {
    Object value = body.get(key);
    if (value != null && !(value instanceof Boolean)) {
      throw new FieldError(key, "INVALID_TYPE", key + " must be a boolean");
    }
    return Boolean.TRUE.equals(value);
  }
}
