package dev.agentsim.store.definition;

/** The kinds of user-defined objects a project holds. */
public enum Kind {
  AGENT,
  MODEL,
  SCENARIO,
  PERSONA,
  SUITE
}
