package dev.agentsim.api.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.util.HtmlUtils;

/**
 * The results viewer's answers to a person without a credential (to the sign-in form) and to one
 * whose credential may not see the page (a page that says why).
 */
final class ViewerAuthFailures implements AuthenticationEntryPoint, AccessDeniedHandler {

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    response.sendRedirect(request.getContextPath() + ViewerLoginController.LOGIN);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    String reason =
        e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof ProjectAccess.Denied refusal
            ? refusal.reason()
            : "The credential may not do this (a form needs its page's CSRF token)";
    response.setStatus(HttpStatus.FORBIDDEN.value());
    response.setContentType(MediaType.TEXT_HTML_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Forbidden · AgentSim</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><main><h1>403 Forbidden</h1><p role="alert">%s</p>
        <p><a href="%s">Sign in with another key</a></p></main></body></html>"""
                .formatted(
                    HtmlUtils.htmlEscape(reason),
                    request.getContextPath() + ViewerLoginController.LOGIN));
  }
}
