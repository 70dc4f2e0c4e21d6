package dev.agentsim.api.interactly;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.error.TraceIds;
import dev.agentsim.api.error.Unavailable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * Interactly's error bodies, those of its FastAPI service: a 422 {@code {"detail": [{"type", "loc",
 * "msg"}]}} for bad input, with pydantic's {@code "input"} and {@code "ctx"} for a number out of
 * bounds, {@code {"detail": "..."}} otherwise. A {@link FieldError}'s field is the dotted location
 * in the body, or starts with {@code query.} for a query parameter.
 */
@RestControllerAdvice(assignableTypes = InteractlySimulationController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InteractlyErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(InteractlyErrorHandler.class);

  record Validation(List<Detail> detail) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Detail(String type, List<String> loc, String msg, Object input, Map<String, Object> ctx) {}

  @ExceptionHandler(FieldError.class)
  ResponseEntity<Validation> field(FieldError e) {
    List<String> loc = new ArrayList<>();
    List<String> path = e.field().isEmpty() ? List.of() : Arrays.asList(e.field().split("\\."));
    if (path.isEmpty() || !path.get(0).equals("query")) {
      loc.add("body");
    }
    loc.addAll(path);
    return ResponseEntity.status(422)
        .body(
            new Validation(
                List.of(
                    e instanceof BoundError bound
                        ? new Detail(e.code(), loc, e.getMessage(), bound.input(), bound.ctx())
                        : new Detail(e.code(), loc, e.getMessage(), null, null))));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Validation> unreadable(HttpMessageNotReadableException e) {
    return field(
        new FieldError("", "json_invalid", "JSON decode error: the body must be a JSON object"));
  }

  @ExceptionHandler(NotFound.class)
  ResponseEntity<Map<String, String>> notFound(NotFound e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(Map.of("detail", e.getMessage() + " (trace id " + TraceIds.current() + ")"));
  }

  @ExceptionHandler(Unavailable.class)
  ResponseEntity<Map<String, String>> unavailable(Unavailable e) {
    String traceId = TraceIds.current();
    log.warn("{}, trace id {}", e.getMessage(), traceId, e.getCause());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("detail", e.getMessage() + " (trace id " + traceId + ")"));
  }
}
