package dev.agentsim.api.auth;

import java.util.Set;

/**
 * What a credential (an API key or a JWT) may use.
 *
 * @param subject who presents it, for the log: the key's id or the token's subject
 * @param allProjects every project, present and future
 * @param projects the projects it may use besides, when not all
 */
public record Access(String subject, boolean allProjects, Set<String> projects, Set<Scope> scopes) {

  public Access {
    projects = Set.copyOf(projects);
    scopes = Set.copyOf(scopes);
  }

  public boolean mayUse(String project) {
    return allProjects || projects.contains(project);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }
}
