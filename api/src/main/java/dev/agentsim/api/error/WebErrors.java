package dev.agentsim.api.error;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * What the dialects' own advices leave: Spring MVC's exceptions (an unknown path, a method, media
 * type or Accept header the endpoint does not take, a missing or unconvertible parameter) and any
 * unexpected exception, answered in the dialect of the request's path. Last of the advices, so a
 * dialect's own handling of an exception comes first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class WebErrors extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(WebErrors.class);

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
    return handleExceptionInternal(
        e, null, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e,
      Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    HttpServletRequest servletRequest = ((ServletWebRequest) request).getRequest();
    String path = servletRequest.getRequestURI();
    String traceId = TraceIds.of(servletRequest);
    HttpStatus status =
        HttpStatus.resolve(statusCode.value()) == null
            ? HttpStatus.INTERNAL_SERVER_ERROR
            : HttpStatus.resolve(statusCode.value());
    String message;
    if (status.is5xxServerError()) {
      log.error(
          "{} {} answered {}, trace id {}",
          servletRequest.getMethod(),
          path,
          status.value(),
          traceId,
          e);
      message = "An unexpected error occurred";
    } else if (e instanceof NoResourceFoundException || e instanceof NoHandlerFoundException) {
      message = "No endpoint " + servletRequest.getMethod() + " " + path;
    } else {
      message =
          body instanceof ProblemDetail problem && problem.getDetail() != null
              ? problem.getDetail()
              : e.getMessage();
    }
    List<Object> location = status == HttpStatus.BAD_REQUEST ? location(e) : null;
    ResponseEntity<Object> error =
        location == null
            ? Dialect.of(path).error(status, Dialect.code(status), message, traceId)
            : Dialect.of(path).invalid(location, "INVALID", message, traceId);
    HttpHeaders merged = new HttpHeaders();
    merged.putAll(headers);
    merged.putAll(error.getHeaders());
    return new ResponseEntity<>(error.getBody(), merged, error.getStatusCode());
  }

  /** Where the bad input is, as {@link Dialect#invalid} takes it; null when it is not one field. */
  private static List<Object> location(Exception e) {
    if (e instanceof MissingServletRequestParameterException missing) {
      return List.of("query", missing.getParameterName());
    }
    if (e instanceof MissingPathVariableException missing) {
      return List.of("path", missing.getVariableName());
    }
    if (e instanceof MissingRequestHeaderException missing) {
      return List.of("header", missing.getHeaderName());
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      return List.of(part(mismatch.getParameter()), mismatch.getName());
    }
    if (e instanceof HttpMessageNotReadableException) {
      return List.of("body");
    }
    return null;
  }

  private static String part(MethodParameter parameter) {
    if (parameter.hasParameterAnnotation(PathVariable.class)) {
      return "path";
    }
    return parameter.hasParameterAnnotation(RequestHeader.class) ? "header" : "query";
  }
}
