package dev.agentsim.worker.health;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 404 outside the operators' endpoints (health, info, Prometheus). A worker-only process
 * runs its web server for those only, but the API's controllers are on its classpath all the same:
 * reachable, they would offer a second API from a process nobody means to serve one.
 */
final class HealthOnlyFilter extends OncePerRequestFilter {

  private final List<String> paths;

  HealthOnlyFilter(List<String> paths) {
    this.paths = List.copyOf(paths);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // The servlet path is decoded and normalised: /actuator/health/../v1 is /v1 here.
    String path = request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
    if (paths.stream().anyMatch(served -> path.equals(served) || path.startsWith(served + "/"))) {
      chain.doFilter(request, response);
    } else {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }
}
