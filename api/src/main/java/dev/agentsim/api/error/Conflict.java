package dev.agentsim.api.error;

/**
 * The request is valid but the object is not in a state that allows it, e.g. rejudging a batch that
 * is still running.
 *
 * @param code a stable machine-readable code, e.g. {@code BATCH_NOT_FINISHED}
 */
public class Conflict extends RuntimeException {

  private final String code;

  public Conflict(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
