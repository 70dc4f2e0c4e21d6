package dev.agentsim.api.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Where a request carries its credential: {@code X-API-Key} (Cognigy's and, header names being
 * case-insensitive, Feather's {@code x-api-key}), else {@code Authorization: Bearer}.
 */
final class Credentials implements BearerTokenResolver {

  static final String API_KEY_HEADER = "X-API-Key";
  private static final String BEARER = "bearer ";

  @Override
  public String resolve(HttpServletRequest request) {
    String apiKey = request.getHeader(API_KEY_HEADER);
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      String token = authorization.substring(BEARER.length()).strip();
      return token.isEmpty() ? null : token;
    }
    return null;
  }
}
