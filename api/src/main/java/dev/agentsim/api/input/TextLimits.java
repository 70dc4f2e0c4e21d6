package dev.agentsim.api.input;

import dev.agentsim.api.error.Dialect;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the strings of a JSON request body may hold, whatever the endpoint: no NUL character
 * (PostgreSQL takes none in text or jsonb); names (a {@code name} field) and object keys up to
 * {@value #MAX_NAME} characters; any other text (descriptions, missions, prompts, script lines,
 * templates, values) up to {@value #MAX_TEXT}.
 */
final class TextLimits {

  static final int MAX_NAME = 200;
  static final int MAX_TEXT = 100_000;

  /**
   * @param location as {@code Dialect.invalid} takes it: {@code body}, then the path to the string
   */
  record Violation(List<Object> location, String code, String message) {}

  private TextLimits() {}

  /**
   * The first string breaking a limit; empty when there is none or the body is not JSON (the
   * endpoint says so).
   */
  static Optional<Violation> check(JsonMapper json, byte[] body) {
    try (JsonParser parser = json.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        Optional<Violation> violation =
            token == JsonToken.PROPERTY_NAME
                ? check(parser, parser.currentName(), MAX_NAME, true)
                : token == JsonToken.VALUE_STRING
                    ? check(
                        parser,
                        parser.getString(),
                        "name".equals(parser.currentName()) ? MAX_NAME : MAX_TEXT,
                        false)
                    : Optional.empty();
        if (violation.isPresent()) {
          return violation;
        }
      }
    } catch (JacksonException e) {
      // Not JSON: the endpoint reads the body and says what is wrong with it.
    }
    return Optional.empty();
  }

  private static Optional<Violation> check(JsonParser parser, String text, int max, boolean key) {
    boolean nul = text.indexOf('\0') >= 0;
    if (!nul && text.length() <= max) {
      return Optional.empty();
    }
    List<Object> location = location(parser.streamReadContext());
    String name = (key ? "The field name " : "") + Dialect.field(location);
    return Optional.of(
        nul
            ? new Violation(
                location, "NUL_CHARACTER", name + " must not contain the NUL character (\\u0000)")
            : new Violation(
                location,
                "STRING_TOO_LONG",
                name + " must be at most " + max + " characters long"));
  }

  private static List<Object> location(TokenStreamContext context) {
    LinkedList<Object> location = new LinkedList<>();
    for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        location.addFirst(c.currentName() == null ? "" : c.currentName().replace("\0", "\\u0000"));
      } else {
        location.addFirst(c.getCurrentIndex());
      }
    }
    location.addFirst("body");
    return location;
  }
}
