package dev.agentsim.api.cognigy;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.error.TraceIds;
import dev.agentsim.api.error.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The Cognigy Simulator's error bodies: {@code {error, field, code, traceId}}. */
@RestControllerAdvice(assignableTypes = CognigySimulationController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CognigyErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(CognigyErrorHandler.class);

  /** The 400 body; {@code field} is required there. */
  record ValidationError(String error, String field, String code, String traceId) {}

  /** The 401/403/404/409/500/503 body. */
  record Error(String error, String code, String traceId) {}

  @ExceptionHandler(FieldError.class)
  ResponseEntity<ValidationError> field(FieldError e) {
    return ResponseEntity.badRequest()
        .body(new ValidationError(e.getMessage(), e.field(), e.code(), TraceIds.current()));
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ValidationError> missing(MissingServletRequestParameterException e) {
    return field(
        new FieldError(e.getParameterName(), "REQUIRED", e.getParameterName() + " is required"));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ValidationError> unreadable(HttpMessageNotReadableException e) {
    return field(new FieldError("body", "INVALID_JSON", "The request body must be a JSON object"));
  }

  @ExceptionHandler(NotFound.class)
  ResponseEntity<Error> notFound(NotFound e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(new Error(e.getMessage(), "NOT_FOUND", TraceIds.current()));
  }

  @ExceptionHandler(Conflict.class)
  ResponseEntity<Error> conflict(Conflict e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .body(new Error(e.getMessage(), e.code(), TraceIds.current()));
  }

  @ExceptionHandler(Unavailable.class)
  ResponseEntity<Error> unavailable(Unavailable e) {
    String traceId = TraceIds.current();
    log.warn("{}, trace id {}", e.getMessage(), traceId, e.getCause());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(new Error(e.getMessage(), "TEMPORAL_UNAVAILABLE", traceId));
  }
}
