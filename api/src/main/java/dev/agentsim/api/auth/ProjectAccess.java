package dev.agentsim.api.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Whether the request's credential may use the project the request names, with the scope its method
 * needs: {@code read} for GET, HEAD and OPTIONS, {@code write} otherwise, {@code admin} to create
 * or revoke API keys. A request that names no project is for credentials of every project.
 */
final class ProjectAccess implements AuthorizationManager<RequestAuthorizationContext> {

  static final String API_KEYS_PATH = "/v1/api-keys";

  private final RequestProject projects;

  ProjectAccess(RequestProject projects) {
    this.projects = projects;
  }

  /** A refusal, with the reason the 403 gives. */
  static final class Denied extends AuthorizationDecision {

    private final String reason;

    Denied(String reason) {
      super(false);
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  @Override
  public AuthorizationResult authorize(
      Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
    if (!(authentication.get() instanceof Authenticated authenticated)) {
      // no credential: answered 401
      return new AuthorizationDecision(false);
    }
    Access access = authenticated.access();
    HttpServletRequest request = context.getRequest();
    String project = projects.of(request);
    if (project == null && !access.allProjects()) {
      return new Denied(
          "The request names no project, which only a credential of every project may do; "
              + "this one may use "
              + access.projects());
    }
    if (project != null && !access.mayUse(project)) {
      return new Denied("The credential may not use project '" + project + "'");
    }
    Scope needed = needed(request);
    if (!access.has(needed)) {
      return new Denied("The credential lacks the '" + needed.wire() + "' scope");
    }
    return new AuthorizationDecision(true);
  }

  private static Scope needed(HttpServletRequest request) {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
      return Scope.READ;
    }
    String path = RequestProject.path(request);
    return path.equals(API_KEYS_PATH) || path.startsWith(API_KEYS_PATH + "/")
        ? Scope.ADMIN
        : Scope.WRITE;
  }
}
