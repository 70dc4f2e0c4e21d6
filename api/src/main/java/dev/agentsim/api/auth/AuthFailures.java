package dev.agentsim.api.auth;

import dev.agentsim.api.error.Dialect;
import dev.agentsim.api.error.ErrorWriter;
import dev.agentsim.api.error.TraceIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The answers of authentication (401), authorization (403) and the request firewall (400), each in
 * the error body of the API the request speaks, with a trace id that the log line repeats.
 */
final class AuthFailures
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

  static final String NO_CREDENTIAL =
      "Authentication required: send an API key in X-API-Key or "
          + "Authorization: Bearer, or a JWT in Authorization: Bearer";

  private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);

  private final ErrorWriter errors;

  AuthFailures(ErrorWriter errors) {
    this.errors = errors;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String message =
        e instanceof InsufficientAuthenticationException ? NO_CREDENTIAL : e.getMessage();
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    write(request, response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", message);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    String message =
        e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof ProjectAccess.Denied reason
            ? reason.reason()
            : "Access denied";
    write(request, response, HttpStatus.FORBIDDEN, "FORBIDDEN", message);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    write(
        request,
        response,
        HttpStatus.BAD_REQUEST,
        "INVALID_REQUEST",
        "The request was rejected: " + e.getMessage());
  }

  private void write(
      HttpServletRequest request,
      HttpServletResponse response,
      HttpStatus status,
      String code,
      String message)
      throws IOException {
    String traceId = TraceIds.of(request);
    // As the container's and Spring MVC's errors tell the dialect: by the path as sent.
    String path = request.getRequestURI();
    // The trace id's log line is TraceIds'; the reason is worth a line only while looking into one.
    log.debug(
        "{} {} {}: {}, trace id {}", status.value(), request.getMethod(), path, message, traceId);
    ResponseEntity<Object> error = Dialect.of(path).error(status, code, message, traceId);
    if (error.getBody() instanceof ProblemDetail problem) {
      try {
        problem.setInstance(
            new URI(null, null, path, null)); // as Spring MVC gives a controller's problem
      } catch (URISyntaxException unusable) {
        // a path the firewall refused may be no URI at all: the problem goes without its instance
      }
    }
    errors.write(response, error);
  }
}
