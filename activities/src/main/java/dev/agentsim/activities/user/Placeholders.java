package dev.agentsim.activities.user;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.workflows.ErrorCategory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {{name}}} placeholders from dynamic variables. An unknown name stays as written, so
 * a misspelt variable shows in the transcript instead of silently vanishing.
 */
final class Placeholders {

  /**
   * The longest filled text: what the API takes for any text. Each text and each value is within
   * it, but many placeholders of one long value would not be.
   */
  static final int MAX_FILLED = 100_000;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]+?)\\s*}}");

  private Placeholders() {}

  static String fill(String text, Map<String, String> variables) {
    if (text == null || variables.isEmpty()) {
      return text;
    }
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String value = variables.get(matcher.group(1));
      matcher.appendReplacement(
          filled, Matcher.quoteReplacement(value == null ? matcher.group() : value));
      if (filled.length() > MAX_FILLED) {
        throw Failures.nonRetryable(
            ErrorCategory.UNKNOWN,
            "A text of the scenario or persona, filled with the "
                + "batch's dynamic variables, is longer than "
                + MAX_FILLED
                + " characters",
            new FailureDetail(
                "the text begins: " + text.substring(0, Math.min(80, text.length()))));
      }
    }
    matcher.appendTail(filled);
    return filled.toString();
  }

  /** The map with its values filled; keys stay as they are. */
  static Map<String, String> fill(Map<String, String> values, Map<String, String> variables) {
    if (values == null) {
      return null;
    }
    Map<String, String> filled = new LinkedHashMap<>();
    values.forEach((key, value) -> filled.put(key, fill(value, variables)));
    return filled;
  }
}
