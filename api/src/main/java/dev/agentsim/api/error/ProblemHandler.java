package dev.agentsim.api.error;

import dev.agentsim.api.auth.ApiKeyController;
import dev.agentsim.api.batch.BatchController;
import dev.agentsim.api.definition.DefinitionController;
import dev.agentsim.api.project.ProjectSettingsController;
import dev.agentsim.api.schedule.ScheduleController;
import dev.agentsim.api.statistics.StatisticsController;
import dev.agentsim.api.webhook.WebhookController;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** RFC 7807 problem details, with a trace id, for the native management API. */
@RestControllerAdvice(
    basePackageClasses = {
      DefinitionController.class,
      BatchController.class,
      ApiKeyController.class,
      StatisticsController.class,
      WebhookController.class,
      ScheduleController.class,
      ProjectSettingsController.class
    })
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(FieldError.class)
  ResponseEntity<ProblemDetail> field(FieldError e) {
    return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.field(), e.code());
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e) {
    List<org.springframework.validation.FieldError> errors = e.getBindingResult().getFieldErrors();
    org.springframework.validation.FieldError first = errors.get(0);
    ResponseEntity<ProblemDetail> response =
        problem(
            HttpStatus.BAD_REQUEST,
            first.getField() + " " + first.getDefaultMessage(),
            first.getField(),
            "INVALID");
    response
        .getBody()
        .setProperty(
            "errors",
            errors.stream()
                .map(error -> new Violation(error.getField(), error.getDefaultMessage()))
                .toList());
    return response;
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    JsonProblems.Located located = JsonProblems.locate(e);
    return problem(HttpStatus.BAD_REQUEST, located.message(), located.field(), located.code());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        e.getParameterName() + " is required",
        e.getParameterName(),
        "REQUIRED");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        e.getName() + " is not a valid " + e.getRequiredType().getSimpleName(),
        e.getName(),
        "INVALID_TYPE");
  }

  @ExceptionHandler(NotFound.class)
  ResponseEntity<ProblemDetail> notFound(NotFound e) {
    return problem(HttpStatus.NOT_FOUND, e.getMessage(), null, "NOT_FOUND");
  }

  @ExceptionHandler(Conflict.class)
  ResponseEntity<ProblemDetail> conflict(Conflict e) {
    return problem(HttpStatus.CONFLICT, e.getMessage(), null, e.code());
  }

  @ExceptionHandler(Unavailable.class)
  ResponseEntity<ProblemDetail> unavailable(Unavailable e) {
    log.warn("{}, trace id {}", e.getMessage(), TraceIds.current(), e.getCause());
    return problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), null, "TEMPORAL_UNAVAILABLE");
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String detail, String field, String code) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("about:blank"));
    if (field != null) {
      problem.setProperty("field", field);
    }
    problem.setProperty("code", code);
    problem.setProperty("traceId", TraceIds.current());
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  record Violation(String field, String message) {}
}
