package dev.agentsim.api.error;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link Dialect}'s error body where Spring MVC does not: in servlet filters and in the
 * servlet container's own error report.
 */
@Component
public class ErrorWriter {

  private final JsonMapper json;

  public ErrorWriter(JsonMapper json) {
    // As Spring MVC writes problem details: their properties at the top level of the object.
    this.json =
        json.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
  }

  public void write(HttpServletResponse response, ResponseEntity<Object> error) throws IOException {
    response.setStatus(error.getStatusCode().value());
    response.setContentType(String.valueOf(error.getHeaders().getContentType()));
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getOutputStream().write(text(error).getBytes(StandardCharsets.UTF_8));
  }

  /** The body as JSON text. */
  String text(ResponseEntity<Object> error) {
    return json.writeValueAsString(error.getBody());
  }
}
