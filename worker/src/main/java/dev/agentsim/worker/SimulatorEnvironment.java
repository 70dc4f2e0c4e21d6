package dev.agentsim.worker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the simulator's own settings into Spring and Temporal ones, as defaults that explicit
 * configuration still overrides:
 *
 * <ul>
 *   <li>{@code simulator.roles}: without {@code worker} no Temporal worker polls, without {@code
 *       api} the web server answers health checks only, on {@code simulator.worker.health-port};
 *   <li>Temporal's in-process test server runs unless {@code spring.temporal.connection.target}
 *       names a real cluster;
 *   <li>{@code simulator.auth.required} is false on embedded defaults (neither {@code
 *       spring.datasource.url} nor {@code spring.temporal.connection.target}), true otherwise;
 *       while it is false the server listens on 127.0.0.1 only, unless {@code server.address} says
 *       otherwise;
 *   <li>{@code simulator.outbound.allow}: embedded mode allows agents and models on loopback, where
 *       its demo agent lives and one person's local model server does; otherwise only public
 *       addresses are called.
 * </ul>
 */
public class SimulatorEnvironment implements EnvironmentPostProcessor {

  static final Set<String> ROLES = Set.of("api", "worker");
  public static final String AUTH_REQUIRED = "simulator.auth.required";
  static final String LOOPBACK = "127.0.0.0/8,::1/128";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Set<String> roles = roles(environment);
    Map<String, Object> defaults = new HashMap<>();
    boolean inProcess = !environment.containsProperty("spring.temporal.connection.target");
    // Workers of a Temporal server of its own start once it answers (ExternalTemporalStart), not
    // with the application: a server still starting would otherwise end the process.
    defaults.put("spring.temporal.start-workers", roles.contains("worker") && inProcess);
    defaults.put("simulator.worker.start-when-reachable", roles.contains("worker") && !inProcess);
    defaults.put("spring.temporal.test-server.enabled", inProcess);
    defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
    // info shows the build (META-INF/build-info.properties) and the Java it runs on
    defaults.put("management.info.java.enabled", true);
    defaults.put("management.endpoint.health.probes.enabled", true);
    // A group may name only indicators that exist: temporalWorkers with the worker role,
    // temporalConnection without it.
    defaults.put(
        "management.endpoint.health.group.readiness.include",
        roles.contains("worker")
            ? "readinessState,db,temporalWorkers"
            : "readinessState,db,temporalConnection");
    defaults.put("simulator.worker.health-port", 8081);
    // Embedded defaults are for one person on one machine: no credential, and not reachable from
    // another. With a database or Temporal of its own the service is deployed, and locked.
    boolean embedded = inProcess && !environment.containsProperty("spring.datasource.url");
    boolean authRequired = environment.getProperty(AUTH_REQUIRED, Boolean.class, !embedded);
    defaults.put(AUTH_REQUIRED, authRequired);
    if (!authRequired) {
      defaults.put("server.address", "127.0.0.1");
    }
    defaults.put("simulator.outbound.allow", embedded ? LOOPBACK : "");
    environment.getPropertySources().addLast(new MapPropertySource("simulatorDefaults", defaults));
    if (!roles.contains("api")) {
      // server.port is the API's: a worker-only process serves health checks on a port of its own,
      // so that it can share a host with an api process. It comes first, since application.yml's
      // server.port would win over a default, and an explicit one names the API's port.
      environment
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "simulatorWorkerOnly", Map.of("server.port", "${simulator.worker.health-port}")));
    }
  }

  /** The roles {@code simulator.roles} gives this process. */
  public static Set<String> roles(Environment environment) {
    return roles(environment.getProperty("simulator.roles", "api,worker"));
  }

  static Set<String> roles(String value) {
    Set<String> roles =
        Arrays.stream(value.split(","))
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
