package dev.agentsim.api.error;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page: what a filter or the servlet container answered with an error status and no body,
 * or an exception no controller advice saw, in the dialect of the request's path. Replaces Spring
 * Boot's whitelabel error.
 */
@Hidden
@RestController
public class ErrorPage implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ErrorPage.class);

  @RequestMapping("${server.error.path:/error}")
  public ResponseEntity<Object> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    String path = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    Throwable exception = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    String traceId = TraceIds.of(request);
    // An error dispatch is a GET; the request's own method is kept aside.
    Object method = request.getAttribute(RequestDispatcher.ERROR_METHOD);
    if (code == null) {
      // Asked for directly: there is no such endpoint.
      return Dialect.of(request.getRequestURI())
          .error(
              HttpStatus.NOT_FOUND,
              "NOT_FOUND",
              "No endpoint " + request.getMethod() + " " + request.getRequestURI(),
              traceId);
    }
    HttpStatus status =
        HttpStatus.resolve((Integer) code) == null
            ? HttpStatus.INTERNAL_SERVER_ERROR
            : HttpStatus.resolve((Integer) code);
    String message = message(request, status, method, path);
    if (status.is5xxServerError()) {
      log.error(
          "{} {} answered {}: {}, trace id {}",
          method,
          path,
          status.value(),
          message,
          traceId,
          exception);
      message = "An unexpected error occurred";
    }
    return Dialect.of(path).error(status, Dialect.code(status), message, traceId);
  }

  private static String message(
      HttpServletRequest request, HttpStatus status, Object method, String path) {
    if (status == HttpStatus.NOT_FOUND) {
      return "No endpoint " + method + " " + path;
    }
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    return message == null || message.toString().isBlank()
        ? status.getReasonPhrase()
        : message.toString();
  }
}
