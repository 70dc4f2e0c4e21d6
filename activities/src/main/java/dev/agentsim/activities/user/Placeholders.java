package dev.agentsim.activities.user;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {{name}}} placeholders from dynamic variables. An unknown name stays as written,
 * so a misspelt variable shows in the transcript instead of silently vanishing.
 */
final class Placeholders {

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
      matcher.appendReplacement(filled, Matcher.quoteReplacement(value == null ? matcher.group() : value));
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
