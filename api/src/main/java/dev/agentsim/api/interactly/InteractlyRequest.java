package dev.agentsim.api.interactly;

import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /workflows/v1/simulations}, validated. Every problem is a {@link
 * FieldError} whose field is the dotted location in the body and whose code is the pydantic error
 * type. {@code name}, {@code total_events}, {@code total_nodes}, {@code total_duration_seconds} and
 * {@code run_id} of a workflow are read-only: sent, they are ignored. {@code model_id} is an
 * extension: the model that plays a persona counterpart. {@code max_events} (default {@value
 * StartBatch#DEFAULT_MAX_EVENTS}) is bounded as the native {@code maxEvents} is, by {@link
 * StartBatch#MIN_EVENTS} and {@link StartBatch#MAX_EVENTS}.
 *
 * @param timeoutSeconds null for none
 */
record InteractlyRequest(
    String logicalId,
    String description,
    Workflow selected,
    Workflow counter,
    Integer timeoutSeconds,
    int maxEvents,
    int numberOfSimulations,
    boolean stopOnFailure,
    String modelId) {

  static final int MAX_SIMULATIONS = 10_000;
  static final List<String> STATUSES =
      List.of("pending", "running", "completed", "failed", "cancelled");

  record Workflow(String workflowId, Map<String, Object> dynamicVariables) {}

  static InteractlyRequest parse(Map<String, Object> body) {
    if (body == null) {
      throw new FieldError("", "missing", "Field required");
    }
    String status = string(body, "status");
    if (status != null && !STATUSES.contains(status)) {
      throw new FieldError(
          "status",
          "enum",
          "Input should be 'pending', 'running', 'completed', 'failed' or 'cancelled'");
    }
    if (status != null && !status.equals("pending")) {
      throw new FieldError("status", "value_error", "Value error, a new simulation is pending");
    }
    Workflow selected = workflow(body, "selected_workflow");
    if (selected == null) {
      throw new FieldError("selected_workflow", "missing", "Field required");
    }
    Workflow counter = workflow(body, "counter_workflow");
    if (counter == null) {
      throw new FieldError("counter_workflow", "missing", "Field required");
    }
    Integer timeout = integer(body, "timeout_seconds", 1, 7 * 24 * 3600);
    Integer maxEvents = integer(body, "max_events", StartBatch.MIN_EVENTS, StartBatch.MAX_EVENTS);
    Integer simulations = integer(body, "number_of_simulations", 1, MAX_SIMULATIONS);
    Object stopOnFailure = body.get("stop_on_failure");
    if (stopOnFailure != null && !(stopOnFailure instanceof Boolean)) {
      throw new FieldError("stop_on_failure", "bool_type", "Input should be a valid boolean");
    }
    return new InteractlyRequest(
        string(body, "logical_id"),
        string(body, "description"),
        selected,
        counter,
        timeout,
        maxEvents == null ? StartBatch.DEFAULT_MAX_EVENTS : maxEvents,
        simulations == null ? 1 : simulations,
        Boolean.TRUE.equals(stopOnFailure),
        string(body, "model_id"));
  }

  private static Workflow workflow(Map<String, Object> body, String key) {
    Object value = body.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> object)) {
      throw new FieldError(
          key, "model_attributes_type", "Input should be a valid dictionary or object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) object;
    String workflowId = string(fields, "workflow_id", key + ".workflow_id");
    if (workflowId == null || workflowId.isBlank()) {
      throw new FieldError(key + ".workflow_id", "missing", "Field required");
    }
    Object variables = fields.get("dynamic_variables");
    if (variables != null && !(variables instanceof Map)) {
      throw new FieldError(
          key + ".dynamic_variables", "dict_type", "Input should be a valid dictionary");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> dynamicVariables =
        variables == null ? Map.of() : new LinkedHashMap<>((Map<String, Object>) variables);
    return new Workflow(workflowId, dynamicVariables);
  }

  private static String string(Map<String, Object> body, String key) {
    return string(body, key, key);
  }

  private static String string(Map<String, Object> object, String key, String field) {
    Object value = object.get(key);
    if (value != null && !(value instanceof String)) {
      throw new FieldError(field, "string_type", "Input should be a valid string");
    }
    return (String) value;
  }

  private static Integer integer(Map<String, Object> body, String key, int min, int max) {
    Object value = body.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new FieldError(key, "int_type", "Input should be a valid integer");
    }
    long number = ((Number) value).longValue();
    if (number < min) {
      throw BoundError.below(key, value, min);
    }
    if (number > max) {
      throw BoundError.above(key, value, max);
    }
    return (int) number;
  }
}
