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
import java.util.regex.Pattern;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every request before it reaches a controller, answering in the dialect of its path: it
 * must accept a JSON answer, or for an export any (406 otherwise, rather than doing the work and
 * failing to answer), its query string must decode, no query parameter may hold a NUL character, a
 * body must come with a concrete content type (415), and no string of a JSON body may break the
 * {@link TextLimits}.
 */
@Component
@Order(BodyReading.ORDER + 1)
public class InputChecks extends OncePerRequestFilter {

  /**
   * Paths whose answers are not the API's: the OpenAPI document, its UI, the actuator, the results
   * viewer's pages and what they load.
   */
  private static final Pattern OWN_ANSWERS =
      Pattern.compile("/(v3/api-docs|swagger-ui|actuator|ui|webjars)(/|\\.|$)|/$");

  /** Batch exports, which answer in the format their query names (CSV, JSON lines, JUnit XML). */
  private static final Pattern EXPORTS = Pattern.compile("/v1/batches/[^/]+/export$");

  private static final List<MediaType> ANSWERS =
      List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

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

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<ResponseEntity<Object>> refusal =
        refusal(request, Dialect.of(request.getRequestURI()), TraceIds.of(request));
    if (refusal.isPresent()) {
      writer.write(response, refusal.get());
    } else {
      chain.doFilter(request, response);
    }
  }

  private Optional<ResponseEntity<Object>> refusal(
      HttpServletRequest request, Dialect dialect, String traceId) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (!OWN_ANSWERS.matcher(request.getRequestURI()).lookingAt()
        && !EXPORTS.matcher(request.getRequestURI()).matches()
        && !acceptsJson(accept)) {
      return Optional.of(
          dialect.error(
              HttpStatus.NOT_ACCEPTABLE,
              "NOT_ACCEPTABLE",
              "This endpoint answers application/json, which the Accept header '"
                  + accept
                  + "' does not take",
              traceId));
    }
    Map<String, String[]> parameters;
    try {
      parameters = request.getParameterMap();
    } catch (InvalidParameterException e) {
      return Optional.of(
          dialect.invalid(
              List.of("query"),
              "INVALID_ENCODING",
              "The query string is not valid %-encoded UTF-8",
              traceId));
    }
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      for (String value : parameter.getValue()) {
        if ((parameter.getKey() + value).indexOf('\0') >= 0) {
          return Optional.of(
              dialect.invalid(
                  List.of("query", parameter.getKey().replace("\0", "\\u0000")),
                  "NUL_CHARACTER",
                  parameter.getKey() + " must not contain the NUL character (\\u0000)",
                  traceId));
        }
      }
    }
    if (request instanceof BufferedRequest buffered) {
      String contentType = request.getContentType();
      MediaType type;
      try {
        type =
            contentType == null
                ? MediaType.APPLICATION_JSON
                : MediaType.parseMediaType(contentType);
      } catch (InvalidMediaTypeException e) {
        type = MediaType.ALL;
      }
      if (type.isWildcardType() || type.isWildcardSubtype()) {
        return Optional.of(
            dialect.error(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type '"
                    + contentType
                    + "' is not a media type this endpoint reads: send application/json",
                traceId));
      }
      if (type.isCompatibleWith(MediaType.APPLICATION_JSON)
          || type.getSubtype().endsWith("+json")) {
        return TextLimits.check(json, buffered.body())
            .map(
                violation ->
                    dialect.invalid(
                        violation.location(), violation.code(), violation.message(), traceId));
      }
    }
    return Optional.empty();
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
}
