package dev.agentsim.api.error;

/** Temporal did not take what the request asked for (it is down, say): 503, worth trying again. */
public class Unavailable extends RuntimeException {

  public Unavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
