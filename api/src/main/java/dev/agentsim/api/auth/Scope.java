package dev.agentsim.api.auth;

import java.util.Locale;
import java.util.Optional;

/** What a credential may do: {@code admin} includes the other two. */
public enum Scope {
  /** GET requests. */
  READ,
  /** POST, PUT, PATCH and DELETE requests. */
  WRITE,
  /** Creating and revoking API keys. */
  ADMIN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Scope> of(String wire) {
    for (Scope scope : values()) {
      if (scope.wire().equals(wire)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }
}
