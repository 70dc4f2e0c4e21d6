package dev.agentsim.worker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the simulator's own settings into Spring and Temporal ones, as defaults that explicit
 * configuration still overrides:
 * <ul>
 *   <li>{@code simulator.roles}: without {@code worker} no Temporal worker polls, without
 *       {@code api} no web server starts;</li>
 *   <li>Temporal's in-process test server runs unless {@code spring.temporal.connection.target}
 *       names a real cluster.</li>
 * </ul>
 */
public class SimulatorEnvironment implements EnvironmentPostProcessor {

  static final Set<String> ROLES = Set.of("api", "worker");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    Set<String> roles = roles(environment.getProperty("simulator.roles", "api,worker"));
    Map<String, Object> defaults = new HashMap<>();
    boolean inProcess = !environment.containsProperty("spring.temporal.connection.target");
    // Workers of a Temporal server of its own start once it answers (TemporalWorkersStart), not
    // with the application: a server still starting would otherwise end the process.
    defaults.put("spring.temporal.start-workers", roles.contains("worker") && inProcess);
    defaults.put("simulator.worker.start-when-reachable", roles.contains("worker") && !inProcess);
    if (!roles.contains("api")) {
      defaults.put("spring.main.web-application-type", "none");
    }
    defaults.put("spring.temporal.test-server.enabled", inProcess);
    environment.getPropertySources().addLast(new MapPropertySource("simulatorDefaults", defaults));
  }

  static Set<String> roles(String value) {
    Set<String> roles = Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(role -> !role.isEmpty())
        .collect(Collectors.toSet());
    if (roles.isEmpty() || !ROLES.containsAll(roles)) {
      throw new IllegalArgumentException(
          "simulator.roles must name api, worker or both (comma-separated), not '" + value + "'");
    }
    return roles;
  }
}
