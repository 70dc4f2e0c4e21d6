package dev.agentsim.store.definition;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;

/**
 * The regular expressions and JsonPath expressions a definition holds (a {@code regex} or {@code
 * json_path} criterion, an agent's reply paths), compiled the same way when they are saved and when
 * they run.
 *
 * <p>Patterns run on RE2/J, whose matching time is linear in the text: no pattern can pin a thread,
 * whatever it is ({@code (.*a){30}x} included). It has no back-references nor look-arounds; such
 * patterns are refused. JsonPath's own regex filter ({@code =~}) would run on {@code
 * java.util.regex}, so expressions using it are refused: a {@code regex} criterion matches text
 * instead.
 */
public final class Expressions {

  private Expressions() {}

  /**
   * @throws IllegalArgumentException saying why the pattern cannot be used
   */
  public static Pattern regex(String source, boolean caseSensitive) {
    try {
      return Pattern.compile(source, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "/"
              + source
              + "/ is not a valid regular expression: "
              + e.getDescription()
              + " (RE2 syntax: no back-references, no look-arounds)",
          e);
    }
  }

  /**
   * @throws IllegalArgumentException saying why the expression cannot be used
   */
  public static JsonPath jsonPath(String path) {
    JsonPath compiled;
    try {
      compiled = JsonPath.compile(path);
    } catch (InvalidPathException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          path + " is not a valid JsonPath expression: " + e.getMessage(), e);
    }
    if (path.contains("=~")) {
      throw new IllegalArgumentException(
          path
              + " uses a regex filter (=~), which this service does not run: "
              + "match text with a regex criterion");
    }
    return compiled;
  }
}
