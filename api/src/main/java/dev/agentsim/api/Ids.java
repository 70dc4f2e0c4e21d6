package dev.agentsim.api;

import java.util.Optional;
import java.util.UUID;

/** Ids in paths and bodies: a reference that is not a UUID names nothing here. */
public final class Ids {

  private Ids() {}

  public static Optional<UUID> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
