package dev.agentsim.api.auth;

import dev.agentsim.store.settings.SimulatorSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Signing in to the results viewer: a browser cannot send a header with a page load, so the form
 * takes an API key (or a JWT), checks it as the API would, and keeps it in a cookie only the
 * viewer's paths read (see {@link ViewerCredentials}). Without {@code simulator.auth.required}
 * there is nothing to sign in to.
 */
@Controller
public class ViewerLoginController {

  static final String LOGIN = "/ui/login";

  private final boolean required;
  private final AuthenticationManager credentials;

  ViewerLoginController(
      ApiKeys keys, ObjectProvider<JwtDecoder> jwtDecoder, SimulatorSettings settings) {
    this.required = settings.auth().required();
    this.credentials =
        SecurityConfiguration.credentials(
            keys, jwtDecoder.getIfAvailable(), settings.auth().jwt().projectsClaim());
  }

  @GetMapping(LOGIN)
  public String form() {
    return required ? "viewer/login" : "redirect:/";
  }

  @PostMapping(LOGIN)
  public String login(
      @RequestParam(required = false) String apiKey,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    if (!required) {
      return "redirect:/";
    }
    String token = apiKey == null ? "" : apiKey.strip();
    Access access;
    try {
      if (token.isEmpty()) {
        return refused(response, model, "apiKey is required");
      }
      access =
          ((Authenticated) credentials.authenticate(new BearerTokenAuthenticationToken(token)))
              .access();
    } catch (AuthenticationException e) {
      return refused(response, model, "apiKey is not valid: " + e.getMessage());
    }
    // A session cookie: it ends with the browser, and the key's own expiry and revocation still
    // apply.
    ResponseCookie cookie =
        ResponseCookie.from(ViewerCredentials.COOKIE, token)
            .httpOnly(true)
            .sameSite("Strict")
            .secure(request.isSecure())
            .path("/")
            .build();
    response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    if (!access.allProjects() && access.projects().size() == 1) {
      return "redirect:"
          + UriComponentsBuilder.fromPath("/")
              .queryParam("projectId", access.projects().iterator().next())
              .encode()
              .toUriString();
    }
    return "redirect:/";
  }

  private static String refused(HttpServletResponse response, Model model, String message) {
    response.setStatus(HttpStatus.UNAUTHORIZED.value());
    model.addAttribute("field", "apiKey");
    model.addAttribute("message", message);
    return "viewer/login";
  }
}
