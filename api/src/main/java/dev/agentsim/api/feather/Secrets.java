package dev.agentsim.api.feather;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Takes secrets out of a stored object before it is shown: header values, and every field whose
 * name says it holds a key, token, secret or password, whatever the object's type and connector.
 */
final class Secrets {

  static final String MASK = "********";

  private Secrets() {}

  static Map<String, Object> redact(Map<?, ?> object) {
    Map<String, Object> redacted = new LinkedHashMap<>();
    object.forEach(
        (key, value) -> {
          String name = String.valueOf(key);
          redacted.put(name, redactField(name, value));
        });
    return redacted;
  }

  private static Object redactField(String name, Object value) {
    if (value == null) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("headers") && value instanceof Map<?, ?> headers) {
      Map<String, Object> masked = new LinkedHashMap<>();
      headers.keySet().forEach(header -> masked.put(String.valueOf(header), MASK));
      return masked;
    }
    if (lower.endsWith("key")
        || lower.endsWith("secret")
        || lower.endsWith("password")
        || lower.endsWith("token")
        || lower.equals("authorization")) {
      return MASK;
    }
    if (value instanceof Map<?, ?> nested) {
      return redact(nested);
    }
    if (value instanceof List<?> items) {
      return items.stream()
          .map(item -> item instanceof Map<?, ?> nested ? redact(nested) : item)
          .toList();
    }
    return value;
  }
}
