package dev.agentsim.api.error;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a trace id, returned in the {@code X-Trace-Id} header and in every error
 * body, so a user can quote it when reporting a problem. It is in the logging context ({@value
 * #MDC_KEY}) of every line logged for the request, and each answer of 400 to 499 is logged once
 * with it; the handlers of 5xx answers log those, with their cause.
 *
 * <p>First of all filters, so the errors of the others (authentication, body limits) carry it too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TraceIds extends OncePerRequestFilter {

  public static final String HEADER = "X-Trace-Id";
  public static final String MDC_KEY = "traceId";
  private static final String ATTRIBUTE = TraceIds.class.getName();
  private static final Logger log = LoggerFactory.getLogger(TraceIds.class);

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String traceId = of(request);
    if (!response.containsHeader(HEADER)) {
      response.setHeader(HEADER, traceId);
    }
    MDC.put(MDC_KEY, traceId);
    try {
      chain.doFilter(request, response);
    } finally {
      // A request whose body is still arriving, or the error page of one already logged, is logged
      // elsewhere.
      if (!request.isAsyncStarted() && request.getDispatcherType() != DispatcherType.ERROR) {
        logClientError(request, response.getStatus(), traceId);
      }
      MDC.remove(MDC_KEY);
    }
  }

  /**
   * The body of a request may be read asynchronously; its processing then continues in an async
   * dispatch.
   */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return false;
  }

  /** The request's trace id, given to it and to its answer on first use. */
  public static String of(HttpServletRequest request) {
    Object traceId = request.getAttribute(ATTRIBUTE);
    if (traceId == null) {
      traceId = UUID.randomUUID().toString();
      request.setAttribute(ATTRIBUTE, traceId);
    }
    return traceId.toString();
  }

  /** The current request's trace id. */
  public static String current() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    Object traceId =
        attributes == null
            ? null
            : attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    return traceId == null ? UUID.randomUUID().toString() : traceId.toString();
  }

  /** Logs a 4xx answer; 5xx answers are logged where they arise, with their cause. */
  public static void logClientError(HttpServletRequest request, int status, String traceId) {
    if (status >= 400 && status < 500) {
      log.info(
          "{} {} answered {}, trace id {}",
          request.getMethod(),
          request.getRequestURI(),
          status,
          traceId);
    }
  }
}
