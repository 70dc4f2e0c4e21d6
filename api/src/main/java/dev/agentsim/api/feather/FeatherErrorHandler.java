package dev.agentsim.api.feather;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.error.TraceIds;
import dev.agentsim.api.error.Unavailable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Feather's error bodies: {@code {error, message}} (its {@code ErrorResponse}) and, for bad input,
 * 422 {@code {detail: [{loc, msg, type}]}} (its {@code HTTPValidationError}).
 */
@RestControllerAdvice(assignableTypes = FeatherRunController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FeatherErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(FeatherErrorHandler.class);

  record ErrorResponse(String error, String message) {}

  record HttpValidationError(List<FeatherValidation.Detail> detail) {}

  @ExceptionHandler(FeatherValidation.class)
  ResponseEntity<HttpValidationError> invalid(FeatherValidation e) {
    return ResponseEntity.status(422).body(new HttpValidationError(e.details()));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<HttpValidationError> unreadable(HttpMessageNotReadableException e) {
    return invalid(FeatherValidation.of(List.of("body"), "JSON decode error", "json_invalid"));
  }

  /**
   * A check the shared scheduler makes again after this dialect's own, e.g. a revision deleted
   * meanwhile.
   */
  @ExceptionHandler(FieldError.class)
  ResponseEntity<HttpValidationError> field(FieldError e) {
    String field = e.field().equals("agentRevisionId") ? "agent_revision_id" : e.field();
    return invalid(
        FeatherValidation.of(
            List.of("body", field), "Value error, " + e.getMessage(), "value_error"));
  }

  @ExceptionHandler(FeatherError.class)
  ResponseEntity<ErrorResponse> error(FeatherError e) {
    return ResponseEntity.status(e.status())
        .body(new ErrorResponse(e.error(), withTraceId(e.getMessage())));
  }

  /** An id of the request that names nothing in the organization: Feather's 400 "Bad request". */
  @ExceptionHandler(NotFound.class)
  ResponseEntity<ErrorResponse> notFound(NotFound e) {
    return ResponseEntity.badRequest()
        .body(new ErrorResponse("not_found", withTraceId(e.getMessage())));
  }

  /**
   * The message with the request's trace id: Feather's error body has no field of its own for it.
   */
  private static String withTraceId(String message) {
    return message + " (trace id " + TraceIds.current() + ")";
  }

  @ExceptionHandler(Unavailable.class)
  ResponseEntity<ErrorResponse> unavailable(Unavailable e) {
    String traceId = TraceIds.current();
    log.warn("{}, trace id {}", e.getMessage(), traceId, e.getCause());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(
            new ErrorResponse(
                "service_unavailable", e.getMessage() + " (trace id " + traceId + ")"));
  }
}
