package dev.agentsim.api.openapi;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/**
 * The error bodies of the four APIs, as the document shows them; {@link
 * dev.agentsim.api.error.Dialect} writes them.
 */
final class ErrorBodies {

  private ErrorBodies() {}

  @Schema(name = "Problem", description = "RFC 7807 problem details (application/problem+json)")
  record Problem(
      @Schema(description = "Always about:blank", example = "about:blank") String type,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "Bad Request") String title,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "400") int status,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "limit must be between 1 and 100")
          String detail,
      @Schema(description = "The request's path", example = "/v1/batches") String instance,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "A stable upper-case code",
              example = "OUT_OF_RANGE")
          String code,
      @Schema(description = "The field at fault, on a 400", example = "limit") String field,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "Also the X-Trace-Id header and in the log")
          String traceId,
      @Schema(description = "Every field bean validation refused, on such a 400")
          List<Violation> errors) {}

  @Schema(name = "ProblemViolation")
  record Violation(String field, String message) {}

  @Schema(name = "CognigyValidationError", description = "Cognigy Simulator's 400 body")
  record CognigyValidationError(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "numberOfExecutions must be between 1 and 10000")
          String error,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "numberOfExecutions") String field,
      @Schema(example = "OUT_OF_RANGE") String code,
      String traceId) {}

  @Schema(
      name = "CognigyError",
      description = "Cognigy Simulator's 401, 403, 404, 409, 500 and 503 body")
  record CognigyError(
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "Simulation run batch 42 not found")
          String error,
      @Schema(example = "NOT_FOUND") String code,
      String traceId) {}

  @Schema(
      name = "FeatherErrorResponse",
      description = "Feather's ErrorResponse; the message ends with the trace id")
  record FeatherError(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "A lower-case code",
              example = "not_found")
          String error,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "Simulation run 42 not found (trace id 4bf92f3577b34da6a3ce929d0e0e4736)")
          String message) {}

  @Schema(
      name = "FeatherHTTPValidationError",
      description = "Feather's 422: every problem of the request")
  record FeatherValidationError(
      @Schema(requiredMode = RequiredMode.REQUIRED) List<FeatherDetail> detail) {}

  @Schema(name = "FeatherValidationErrorDetail")
  record FeatherDetail(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "Where: body, query, path or header, then the field",
              example = "[\"body\", \"tool_overrides\", \"lookup\", \"delay_ms\"]")
          List<Object> loc,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "Input should be less than or equal to 60000")
          String msg,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "less_than_equal") String type,
      @Schema(description = "The value at fault") Object input,
      @Schema(description = "The limit it broke", example = "{\"le\": 60000}")
          Map<String, Object> ctx) {}

  @Schema(
      name = "InteractlyError",
      description = "Interactly's error body; the detail ends with the trace id")
  record InteractlyError(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "Simulation 42 not found (trace id 4bf92f3577b34da6a3ce929d0e0e4736)")
          String detail) {}

  @Schema(name = "InteractlyHTTPValidationError", description = "Interactly's 422 for bad input")
  record InteractlyValidationError(
      @Schema(requiredMode = RequiredMode.REQUIRED) List<InteractlyDetail> detail) {}

  @Schema(name = "InteractlyValidationErrorDetail")
  record InteractlyDetail(
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "less_than_equal") String type,
      @Schema(requiredMode = RequiredMode.REQUIRED, example = "[\"body\", \"max_events\"]")
          List<String> loc,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "Input should be less than or equal to 10000")
          String msg,
      @Schema(description = "The value at fault, for a number out of bounds") Object input,
      @Schema(description = "The bound it broke", example = "{\"le\": 10000}")
          Map<String, Object> ctx) {}
}
