package dev.agentsim.api.auth;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A request whose credential was accepted, with what it may use. */
public final class Authenticated extends AbstractAuthenticationToken {

  private final Access access;

  public Authenticated(Access access) {
    super(List.of());
    this.access = access;
    setAuthenticated(true);
  }

  public Access access() {
    return access;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return access.subject();
  }
}
