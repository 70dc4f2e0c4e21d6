package dev.agentsim.api.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * What a verified JWT may use: the projects of its projects claim (a list, or a string of names
 * separated by spaces; {@code *} is every project), the scopes of its {@code scope} or {@code scp}
 * claim. A token without the claim may use no project.
 */
final class JwtAccess implements Converter<Jwt, Authenticated> {

  static final String ALL = "*";

  private final String projectsClaim;
  private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();

  JwtAccess(String projectsClaim) {
    this.projectsClaim = projectsClaim;
    scopes.setAuthorityPrefix("");
  }

  @Override
  public Authenticated convert(Jwt jwt) {
    Set<String> projects = projects(jwt.getClaims().get(projectsClaim));
    boolean all = projects.remove(ALL);
    Collection<GrantedAuthority> granted = scopes.convert(jwt);
    Set<Scope> scopeSet =
        granted.stream()
            .map(GrantedAuthority::getAuthority)
            .map(Scope::of)
            .flatMap(Optional::stream)
            .collect(Collectors.toSet());
    return new Authenticated(new Access("JWT of " + jwt.getSubject(), all, projects, scopeSet));
  }

  private static Set<String> projects(Object claim) {
    Set<String> projects = new HashSet<>();
    if (claim instanceof String names) {
      projects.addAll(Arrays.asList(names.trim().split("\\s+")));
    } else if (claim instanceof Collection<?> names) {
      names.stream()
          .filter(String.class::isInstance)
          .map(String.class::cast)
          .forEach(projects::add);
    }
    projects.remove("");
    return projects;
  }
}
