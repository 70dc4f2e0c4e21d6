package dev.agentsim.api.auth;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Where a request for a results viewer page carries its credential: the headers the API reads, else
 * the cookie its sign-in form set. The cookie is HttpOnly and SameSite=Strict, and only the
 * viewer's paths read it: the API's endpoints never take it, so a page elsewhere cannot use it.
 */
final class ViewerCredentials implements BearerTokenResolver {

  static final String COOKIE = "agentsim_viewer_key";

  private final Credentials headers = new Credentials();

  @Override
  public String resolve(HttpServletRequest request) {
    String token = headers.resolve(request);
    if (token != null || request.getCookies() == null) {
      return token;
    }
    for (Cookie cookie : request.getCookies()) {
      if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isBlank()) {
        return cookie.getValue();
      }
    }
    return null;
  }
}
