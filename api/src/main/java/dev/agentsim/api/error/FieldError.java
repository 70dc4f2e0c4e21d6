package dev.agentsim.api.error;

/**
 * Bad input in one field: thrown by request validation, rendered in each API's own error style.
 *
 * @param code a stable machine-readable code, e.g. {@code REQUIRED}, {@code INVALID_TYPE}, {@code
 *     OUT_OF_RANGE}
 */
public class FieldError extends RuntimeException {

  private final String field;
  private final String code;

  public FieldError(String field, String code, String message) {
    super(message);
    this.field = field;
    this.code = code;
  }

  public String field() {
    return field;
  }

  public String code() {
    return code;
  }
}
