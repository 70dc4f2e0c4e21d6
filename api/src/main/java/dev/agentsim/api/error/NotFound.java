package dev.agentsim.api.error;

/** A referenced object does not exist in the project. */
public class NotFound extends RuntimeException {

  public NotFound(String message) {
    super(message);
  }
}
