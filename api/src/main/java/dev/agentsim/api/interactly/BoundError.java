package dev.agentsim.api.interactly;

import dev.agentsim.api.error.FieldError;
import java.util.Map;

/**
 * A number outside its bounds, reported as pydantic reports it: besides {@code type}, {@code loc}
 * and {@code msg}, the {@code input} at fault and the bound it broke as {@code ctx} ({@code {"le":
 * 10000}} or {@code {"ge": 1}}).
 */
final class BoundError extends FieldError {

  private final Object input;
  private final Map<String, Object> ctx;

  private BoundError(
      String field, String type, String message, Object input, Map<String, Object> ctx) {
    super(field, type, message);
    this.input = input;
    this.ctx = ctx;
  }

  static BoundError below(String field, Object input, long min) {
    return new BoundError(
        field,
        "greater_than_equal",
        "Input should be greater than or equal to " + min,
        input,
        Map.of("ge", min));
  }

  static BoundError above(String field, Object input, long max) {
    return new BoundError(
        field,
        "less_than_equal",
        "Input should be less than or equal to " + max,
        input,
        Map.of("le", max));
  }

  Object input() {
    return input;
  }

  Map<String, Object> ctx() {
    return ctx;
  }
}
