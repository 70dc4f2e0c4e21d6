package dev.agentsim.api.error;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The API a request speaks, told by its path, and the error body that API documents. For errors
 * raised before a controller is chosen (authentication, the servlet container, unknown paths),
 * which no dialect's controller advice sees.
 */
public enum Dialect {

  /** Cognigy Simulator: {@code {error, code, traceId}}. */
  COGNIGY,
  /** Feather: {@code {error, message}}, the error a lower-case code. */
  FEATHER,
  /** Interactly: {@code {detail}}. */
  INTERACTLY,
  /** The native API: RFC 7807 problem details with {@code code} and {@code traceId}. */
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
   * The dialect's error body.
   *
   * @param code a stable upper-case code, e.g. {@code UNAUTHORIZED}
   */
  public ResponseEntity<Object> error(HttpStatus status, String code, String message, String traceId) {
    return switch (this) {
      case COGNIGY -> ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
          .body(Map.of("error", message, "code", code, "traceId", traceId));
      case FEATHER -> ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
          .body(Map.of("error", code.toLowerCase(Locale.ROOT), "message", message + " (trace id " + traceId + ")"));
      case INTERACTLY -> ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
          .body(Map.of("detail", message + " (trace id " + traceId + ")"));
      case NATIVE -> {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        problem.setType(URI.create("about:blank"));
        problem.setProperty("code", code);
        problem.setProperty("traceId", traceId);
        yield ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
      }
    };
  }
}
