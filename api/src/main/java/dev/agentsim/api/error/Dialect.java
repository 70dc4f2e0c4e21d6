package dev.agentsim.api.error;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The API a request speaks, told by its path, and the error body that API documents. For errors
 * raised outside a dialect's own controller advice: before a controller is chosen (authentication,
 * the servlet container, unknown paths) or by Spring MVC itself (media types, methods, paths).
 */
public enum Dialect {

  /** Cognigy Simulator: {@code {error, code, traceId}}, with {@code field} on a 400. */
  COGNIGY,
  /**
   * Feather: {@code {error, message}}, the error a lower-case code; bad input a 422 {@code {detail:
   * [{loc, msg, type}]}}.
   */
  FEATHER,
  /** Interactly: {@code {detail}}; bad input a 422 {@code {detail: [{type, loc, msg}]}}. */
  INTERACTLY,
  /**
   * The native API: RFC 7807 problem details with {@code code}, {@code traceId} and, for bad input,
   * {@code field}.
   */
  NATIVE;

  public static Dialect of(String path) {
    if (path == null) {
      return NATIVE;
    }
    if (path.startsWith("/simulations/") || path.equals("/simulations")) {
      return COGNIGY;
    }
    if (path.startsWith("/v1/simulation/")) {
      return FEATHER;
    }
    if (path.startsWith("/workflows/")) {
      return INTERACTLY;
    }
    return NATIVE;
  }

  /**
   * The stable upper-case code of a status without a more precise one, e.g. {@code
   * METHOD_NOT_ALLOWED}.
   */
  public static String code(HttpStatus status) {
    return switch (status) {
      case INTERNAL_SERVER_ERROR -> "INTERNAL_ERROR";
      case CONTENT_TOO_LARGE -> "PAYLOAD_TOO_LARGE";
      default -> status.name();
    };
  }

  /**
   * The dialect's error body.
   *
   * @param code a stable upper-case code, e.g. {@code UNAUTHORIZED}
   */
  public ResponseEntity<Object> error(
      HttpStatus status, String code, String message, String traceId) {
    return switch (this) {
      case COGNIGY ->
          json(
              status,
              status == HttpStatus.BAD_REQUEST
                  ? cognigyValidation("request", code, message, traceId)
                  : Map.of("error", message, "code", code, "traceId", traceId));
      case FEATHER ->
          json(
              status,
              Map.of(
                  "error",
                  code.toLowerCase(Locale.ROOT),
                  "message",
                  message + " (trace id " + traceId + ")"));
      case INTERACTLY -> json(status, Map.of("detail", message + " (trace id " + traceId + ")"));
      case NATIVE -> problem(status, code, message, null, traceId);
    };
  }

  /**
   * The dialect's body for bad input: 400 naming the field (Cognigy, native), or Feather's and
   * Interactly's 422 locating it.
   *
   * @param location where the input is: {@code body}, {@code query}, {@code path} or {@code
   *     header}, then the field's path, e.g. {@code [body, runConfig, flowReferenceId]} or {@code
   *     [query, projectId]}
   * @param code a stable upper-case code, e.g. {@code NUL_CHARACTER}
   */
  public ResponseEntity<Object> invalid(
      List<Object> location, String code, String message, String traceId) {
    return switch (this) {
      case COGNIGY ->
          json(HttpStatus.BAD_REQUEST, cognigyValidation(field(location), code, message, traceId));
      case FEATHER ->
          json(
              HttpStatus.UNPROCESSABLE_CONTENT,
              Map.of(
                  "detail",
                  List.of(
                      Map.of(
                          "loc",
                          location,
                          "msg",
                          message,
                          "type",
                          code.toLowerCase(Locale.ROOT)))));
      case INTERACTLY ->
          json(
              HttpStatus.UNPROCESSABLE_CONTENT,
              Map.of(
                  "detail",
                  List.of(
                      Map.of(
                          "type",
                          code.toLowerCase(Locale.ROOT),
                          "loc",
                          location,
                          "msg",
                          message))));
      case NATIVE -> problem(HttpStatus.BAD_REQUEST, code, message, field(location), traceId);
    };
  }

  /**
   * A location as the field Cognigy and the native API name: {@code runConfig.data.tier}, {@code
   * steps[2]}.
   */
  public static String field(List<Object> location) {
    if (location.size() == 1) {
      return location.get(0).toString();
    }
    StringBuilder field = new StringBuilder();
    for (Object part : location.subList(1, location.size())) {
      if (part instanceof Integer index) {
        field.append('[').append(index).append(']');
      } else {
        field.append(field.isEmpty() ? "" : ".").append(part);
      }
    }
    return field.toString();
  }

  private static Map<String, Object> cognigyValidation(
      String field, String code, String message, String traceId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("field", field);
    body.put("code", code);
    body.put("traceId", traceId);
    return body;
  }

  private static ResponseEntity<Object> json(HttpStatus status, Object body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }

  private static ResponseEntity<Object> problem(
      HttpStatus status, String code, String message, String field, String traceId) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
    problem.setType(URI.create("about:blank"));
    if (field != null) {
      problem.setProperty("field", field);
    }
    problem.setProperty("code", code);
    problem.setProperty("traceId", traceId);
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
