package dev.agentsim.store.definition;

/** A spec with a display name, stored in its own column for listing. */
public interface Named {
  String name();
}
