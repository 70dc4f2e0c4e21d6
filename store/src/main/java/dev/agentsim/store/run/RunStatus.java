package dev.agentsim.store.run;

import java.util.Locale;

/** Lifecycle of a run: running → completed | stopped. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  STOPPED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
