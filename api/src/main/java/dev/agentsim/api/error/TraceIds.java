package dev.agentsim.api.error;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a trace id, returned in the {@code X-Trace-Id} header and in every error
 * body, so a user can quote it when reporting a problem.
 */
@Component
// Before authentication, whose errors carry the trace id too.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class TraceIds extends OncePerRequestFilter {

  public static final String HEADER = "X-Trace-Id";
  private static final String ATTRIBUTE = TraceIds.class.getName();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String traceId = UUID.randomUUID().toString();
    request.setAttribute(ATTRIBUTE, traceId);
    response.setHeader(HEADER, traceId);
    chain.doFilter(request, response);
  }

  /** The request's trace id, also outside Spring MVC (in a filter). */
  public static String of(HttpServletRequest request) {
    Object traceId = request.getAttribute(ATTRIBUTE);
    return traceId == null ? UUID.randomUUID().toString() : traceId.toString();
  }

  /** The current request's trace id. */
  public static String current() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    Object traceId = attributes == null ? null
        : attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    return traceId == null ? UUID.randomUUID().toString() : traceId.toString();
  }
}
