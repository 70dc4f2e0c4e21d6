package dev.agentsim.api.input;

import dev.agentsim.api.error.Dialect;
import dev.agentsim.api.error.ErrorWriter;
import dev.agentsim.api.error.TraceIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every API request before it reaches a controller, in the dialect of its path: it must
 * accept a JSON answer (406 otherwise, rather than doing the work and failing to answer), and no
 * query parameter or string of its JSON body may break the {@link TextLimits}.
 */
@Component
@Order(BodyReading.ORDER + 1)
public class InputChecks extends OncePerRequestFilter {

  private static final List<MediaType> ANSWERS = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

  private final JsonMapper json;
  private final ErrorWriter writer;

  public InputChecks(JsonMapper json, ErrorWriter writer) {
    this.json = json;
    this.writer = writer;
  }

  /** Requests with a body reach the controllers in an async dispatch, once it is read. */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  /** The API's own paths; the OpenAPI document, its UI and the actuator answer as they do. */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return Dialect.of(path) == Dialect.NATIVE && !path.startsWith("/v1/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Dialect dialect = Dialect.of(request.getRequestURI());
    String traceId = TraceIds.of(request);
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (!acceptsJson(accept)) {
      writer.write(response, dialect.error(HttpStatus.NOT_ACCEPTABLE, "NOT_ACCEPTABLE",
          "This endpoint answers application/json, which the Accept header '" + accept + "' does not take", traceId));
      return;
    }
    for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
      for (String value : parameter.getValue()) {
        if ((parameter.getKey() + value).indexOf('\0') >= 0) {
          writer.write(response, dialect.invalid(List.of("query", parameter.getKey().replace("\0", "\\u0000")),
              "NUL_CHARACTER", parameter.getKey() + " must not contain the NUL character (\\u0000)", traceId));
          return;
        }
      }
    }
    if (request instanceof BufferedRequest buffered && isJson(request.getContentType())) {
      Optional<TextLimits.Violation> violation = TextLimits.check(json, buffered.body());
      if (violation.isPresent()) {
        writer.write(response, dialect.invalid(violation.get().location(), violation.get().code(),
            violation.get().message(), traceId));
        return;
      }
    }
    chain.doFilter(request, response);
  }

  private static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    try {
      return MediaType.parseMediaTypes(accept).stream()
          .anyMatch(type -> ANSWERS.stream().anyMatch(type::isCompatibleWith));
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }

  /** JSON or no content type at all; any other the endpoint refuses with a 415. */
  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return true;
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json");
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }
}
