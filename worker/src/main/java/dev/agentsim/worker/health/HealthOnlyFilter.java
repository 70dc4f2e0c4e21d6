package dev.agentsim.worker.health;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 404 outside the health endpoint. A worker-only process runs its web server for health
 * checks only, but the API's controllers are on its classpath all the same: reachable, they would
 * offer a second API from a process nobody means to serve one.
 */
final class HealthOnlyFilter extends OncePerRequestFilter {

  private final String healthPath;

  HealthOnlyFilter(String healthPath) {
    this.healthPath = healthPath;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // The servlet path is decoded and normalised: /actuator/health/../v1 is /v1 here.
    String path = request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
    if (path.equals(healthPath) || path.startsWith(healthPath + "/")) {
      chain.doFilter(request, response);
    } else {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }
}
