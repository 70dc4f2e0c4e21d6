package dev.agentsim.api.feather;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Bad input, as Feather reports it: a 422 with every problem found, each located by its path
 * ({@code ["body", "tool_overrides", "lookup", "delay_ms"]}) and typed the way Feather's validation
 * library types it ({@code missing}, {@code uuid_parsing}, {@code enum}, ...).
 */
class FeatherValidation extends RuntimeException {

  /** One problem; {@code input} is the value at fault, {@code ctx} the limit it broke. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Detail(List<Object> loc, String msg, String type, Object input, Map<String, Object> ctx) {

    Detail(List<Object> loc, String msg, String type) {
      this(loc, msg, type, null, null);
    }
  }

  private final List<Detail> details;

  FeatherValidation(List<Detail> details) {
    super(details.get(0).msg());
    this.details = List.copyOf(details);
  }

  static FeatherValidation of(List<Object> loc, String msg, String type) {
    return new FeatherValidation(List.of(new Detail(loc, msg, type)));
  }

  List<Detail> details() {
    return details;
  }
}
