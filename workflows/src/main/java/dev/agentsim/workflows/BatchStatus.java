package dev.agentsim.workflows;

import java.util.Locale;

/** Lifecycle of a batch: pending → running → completed | failed | stopped. */
public enum BatchStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  STOPPED;

  /** The lower-case spelling the Cognigy dialect uses. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == STOPPED;
  }
}
