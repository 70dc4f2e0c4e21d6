package dev.agentsim.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.temporal.common.SearchAttributeKey;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the wiring of docker-compose.yml, the Dockerfile and the files under deploy/ without a
 * Docker engine: service names, start-up conditions, addresses, ports, mounted files and the image
 * build. Each check fails on an edit that would leave the stack broken at run time.
 */
class DockerComposeTest {

  static final String POSTGRES = "postgres";
  static final String TEMPORAL_SCHEMA = "temporal-schema";
  static final String TEMPORAL = "temporal";
  static final String TEMPORAL_SETUP = "temporal-setup";
  static final String TEMPORAL_UI = "temporal-ui";
  static final String API = "api";
  static final String WORKER = "worker";

  /** Services that run once and exit; others wait for them to complete successfully. */
  static final Set<String> ONE_SHOT_JOBS = Set.of(TEMPORAL_SCHEMA, TEMPORAL_SETUP);

  static final List<String> SEARCH_ATTRIBUTES =
      List.of("SimulationProject", "SimulationBatch", "SimulationScenario", "SimulationStatus");

  static Path root;
  static Map<String, Object> compose;
  static Map<String, Map<String, Object>> services;

  @BeforeAll
  static void load() throws IOException {
    root = Files.exists(Path.of("..", "docker-compose.yml")) ? Path.of("..") : Path.of(".");
    Path file = root.resolve("docker-compose.yml");
    assertThat(file).as("docker-compose.yml next to the parent pom").exists();
    compose = new Yaml().load(Files.readString(file));
    services = new LinkedHashMap<>();
    map(compose, "services").forEach((name, body) -> services.put(name, asMap(body, name)));
  }

  @Test
  void definesTheWholeStack() {
    assertThat(services)
        .containsKeys(
            POSTGRES, TEMPORAL_SCHEMA, TEMPORAL, TEMPORAL_SETUP, TEMPORAL_UI, API, WORKER);
    assertThat(image(POSTGRES)).isEqualTo("postgres:16");
    assertThat(image(TEMPORAL_SCHEMA)).startsWith("temporalio/admin-tools:");
    assertThat(image(TEMPORAL)).startsWith("temporalio/server:");
    assertThat(image(TEMPORAL_SETUP)).startsWith("temporalio/admin-tools:");
    assertThat(image(TEMPORAL_UI)).startsWith("temporalio/ui:");
    assertThat(services.values())
        .as("the deprecated auto-setup image is not used")
        .noneMatch(s -> String.valueOf(s.get("image")).contains("auto-setup"));
    // the admin tools must match the server they set up
    assertThat(tag(TEMPORAL_SCHEMA)).isEqualTo(tag(TEMPORAL)).isEqualTo(tag(TEMPORAL_SETUP));
  }

  @Test
  void everyDependencyExistsAndWaitsForTheRightCondition() {
    services.forEach(
        (name, service) ->
            dependsOn(name)
                .forEach(
                    (target, condition) -> {
                      assertThat(services).as("%s depends on %s", name, target).containsKey(target);
                      String expected;
                      if (ONE_SHOT_JOBS.contains(target)) {
                        expected = "service_completed_successfully";
                      } else if (target.equals(POSTGRES)) {
                        expected = "service_healthy";
                      } else {
                        expected =
                            services.get(target).containsKey("healthcheck")
                                ? "service_healthy"
                                : "service_started";
                      }
                      assertThat(condition)
                          .as("condition of %s -> %s", name, target)
                          .isEqualTo(expected);
                      if (condition.equals("service_healthy")) {
                        assertThat(services.get(target))
                            .as(
                                "%s waits for %s to be healthy, so it needs a healthcheck",
                                name, target)
                            .containsKey("healthcheck");
                      }
                    }));
    for (String job : ONE_SHOT_JOBS) {
      assertThat(services.get(job).get("restart"))
          .as("%s must be able to exit and stay exited, and is tried again when it fails", job)
          .isEqualTo("on-failure");
    }
  }

  @Test
  void startsInOrder() {
    assertThat(dependsOn(TEMPORAL_SCHEMA)).containsEntry(POSTGRES, "service_healthy");
    assertThat(dependsOn(TEMPORAL))
        .containsEntry(TEMPORAL_SCHEMA, "service_completed_successfully");
    assertThat(dependsOn(TEMPORAL_SETUP)).containsEntry(TEMPORAL, "service_healthy");
    assertThat(dependsOn(TEMPORAL_UI)).containsKey(TEMPORAL);
    for (String app : List.of(API, WORKER)) {
      assertThat(dependsOn(app))
          .containsEntry(POSTGRES, "service_healthy")
          .containsEntry(TEMPORAL_SETUP, "service_completed_successfully");
    }
    // and the graph has no cycle (compose would refuse to start)
    Set<String> done = new HashSet<>();
    for (String name : services.keySet()) {
      visit(name, new LinkedHashSet<>(), done);
    }
  }

  @Test
  void apiAndWorkerAreTheSameImageInDifferentRoles() {
    for (String app : List.of(API, WORKER)) {
      Object build = services.get(app).get("build");
      Object context = build instanceof Map<?, ?> m ? m.get("context") : build;
      assertThat(context).as("%s builds ./Dockerfile", app).isEqualTo(".");
    }
    assertThat(image(API)).isEqualTo(image(WORKER));
    assertThat(env(API)).containsEntry("SIMULATOR_ROLES", "api");
    assertThat(env(WORKER)).containsEntry("SIMULATOR_ROLES", "worker");

    // identical configuration apart from the role
    Map<String, String> api = new HashMap<>(env(API));
    Map<String, String> worker = new HashMap<>(env(WORKER));
    api.remove("SIMULATOR_ROLES");
    worker.remove("SIMULATOR_ROLES");
    assertThat(worker).isEqualTo(api);
    assertThat(api)
        .containsKeys(
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "SIMULATOR_LLM_BASE_URL",
            "SIMULATOR_LLM_API_KEY",
            "SIMULATOR_LLM_MODEL");
    assertThat(api.get("SIMULATOR_LLM_API_KEY")).as("optional, empty by default").endsWith(":-}");

    // the worker scales: a fixed name or host port would clash between replicas
    assertThat(services.get(WORKER)).doesNotContainKeys("container_name", "ports");
    assertThat(hostPorts(API)).containsExactly(8080);
    assertThat(containerPorts(API)).containsExactly(8080);
  }

  /**
   * A real database and Temporal turn authentication on; the file says how to get the first key.
   */
  @Test
  void theStackRequiresAKeyAndSaysHowToGetTheFirst() throws IOException {
    for (String app : List.of(API, WORKER)) {
      assertThat(env(app))
          .as("%s keeps authentication on", app)
          .doesNotContainKey("SIMULATOR_AUTH_REQUIRED")
          .containsKeys("SPRING_DATASOURCE_URL", "SPRING_TEMPORAL_CONNECTION_TARGET");
      assertThat(env(app).get("SIMULATOR_ADMIN_KEY"))
          .as("optional, empty by default")
          .isEqualTo("${SIMULATOR_ADMIN_KEY:-}");
    }
    String header =
        Files.readString(root.resolve("docker-compose.yml"))
            .lines()
            .takeWhile(line -> line.startsWith("#") || line.isBlank())
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(header)
        .contains("SIMULATOR_ADMIN_KEY", "created the admin key", "POST /v1/api-keys");
  }

  @Test
  void simulatorReachesTemporalAndTheNamespaceTheSetupCreates() {
    for (String app : List.of(API, WORKER)) {
      URI target = URI.create("grpc://" + env(app).get("SPRING_TEMPORAL_CONNECTION_TARGET"));
      assertThat(target.getHost()).as("%s Temporal host", app).isEqualTo(serverService());
      assertThat(target.getPort()).as("%s Temporal port", app).isEqualTo(7233);
      assertThat(env(app).get("SPRING_TEMPORAL_NAMESPACE"))
          .as("%s namespace", app)
          .isEqualTo(env(TEMPORAL_SETUP).get("NAMESPACE"));
    }
    URI setupTarget = URI.create("grpc://" + env(TEMPORAL_SETUP).get("TEMPORAL_ADDRESS"));
    assertThat(setupTarget.getHost()).isEqualTo(serverService());
    assertThat(setupTarget.getPort()).isEqualTo(7233);
    // the port the server publishes and checks is the one everybody dials
    assertThat(containerPorts(TEMPORAL)).contains(7233);
    assertThat(map(services.get(TEMPORAL), "healthcheck").get("test").toString()).contains("7233");
  }

  @Test
  void simulatorUsesItsOwnDatabaseInThePostgresService() throws IOException {
    Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)").matcher("");
    for (String app : List.of(API, WORKER)) {
      assertThat(url.reset(env(app).get("SPRING_DATASOURCE_URL")).matches())
          .as("%s SPRING_DATASOURCE_URL", app)
          .isTrue();
      assertThat(url.group(1)).isEqualTo(POSTGRES);
      assertThat(url.group(2)).isEqualTo("5432");
      assertThat(url.group(3)).isEqualTo("agentsim");
      // the login the init script creates is the one the app uses
      assertThat(env(app).get("SPRING_DATASOURCE_USERNAME"))
          .isEqualTo(env(POSTGRES).get("AGENTSIM_DB_USER"));
      assertThat(env(app).get("SPRING_DATASOURCE_PASSWORD"))
          .isEqualTo(env(POSTGRES).get("AGENTSIM_DB_PASSWORD"));
    }
    assertThat(env(POSTGRES).get("AGENTSIM_DB_NAME")).isEqualTo("agentsim");
    assertThat(env(POSTGRES)).containsKeys("POSTGRES_USER", "POSTGRES_PASSWORD");

    Path init = hostFileMountedAt(POSTGRES, "/docker-entrypoint-initdb.d/");
    assertThat(Files.readString(init))
        .contains("CREATE DATABASE", "AGENTSIM_DB_NAME", "AGENTSIM_DB_USER");

    assertThat(mounts(POSTGRES))
        .as("data on a named volume")
        .containsEntry("postgres-data", "/var/lib/postgresql/data");
    assertThat(map(compose, "volumes")).containsKey("postgres-data");
    assertThat(map(services.get(POSTGRES), "healthcheck").get("test").toString())
        .contains("pg_isready");
  }

  @Test
  void temporalSchemaSetupCreatesBothDatabasesWithThePostgres12Plugin() throws IOException {
    Map<String, String> setupEnv = env(TEMPORAL_SCHEMA);
    Map<String, String> serverEnv = env(TEMPORAL);
    assertThat(setupEnv.get("POSTGRES_SEEDS")).isEqualTo(POSTGRES);
    assertThat(serverEnv.get("POSTGRES_SEEDS")).isEqualTo(POSTGRES);
    assertThat(serverEnv).containsEntry("DB", "postgres12");
    assertThat(setupEnv.get("POSTGRES_USER"))
        .isEqualTo(serverEnv.get("POSTGRES_USER"))
        .isEqualTo(env(POSTGRES).get("POSTGRES_USER"));
    assertThat(setupEnv.get("SQL_PASSWORD"))
        .isEqualTo(serverEnv.get("POSTGRES_PWD"))
        .isEqualTo(env(POSTGRES).get("POSTGRES_PASSWORD"));

    String script = Files.readString(scriptRunBy(TEMPORAL_SCHEMA));
    assertThat(script)
        .contains("temporal-sql-tool --plugin postgres12")
        .contains("create", "setup-schema -v 0.0", "update-schema")
        .contains("/etc/temporal/schema/postgresql/v12/temporal/versioned")
        .contains("/etc/temporal/schema/postgresql/v12/visibility/versioned")
        .contains("temporal_visibility");
  }

  @Test
  void temporalServerReadsTheMountedDynamicConfig() throws IOException {
    String path = env(TEMPORAL).get("DYNAMIC_CONFIG_FILE_PATH");
    assertThat(path).isNotBlank();
    // relative paths are resolved against the server's root, /etc/temporal
    String inContainer = path.startsWith("/") ? path : "/etc/temporal/" + path;
    Path onHost = hostPathFor(TEMPORAL, inContainer);
    assertThat(onHost).as("dynamic config %s", inContainer).isRegularFile();
    Map<String, Object> config = new Yaml().load(Files.readString(onHost));
    assertThat(config).containsKey("limit.maxIDLength");
  }

  @Test
  void setupCreatesEverySearchAttributeTheWorkflowsUse() throws Exception {
    List<String> args = strings(services.get(TEMPORAL_SETUP).get("command"));
    Map<String, String> declared = new LinkedHashMap<>();
    for (String arg : args) {
      String[] nameType = arg.split("=", 2);
      assertThat(nameType).as("search attribute %s as NAME=TYPE", arg).hasSize(2);
      declared.put(nameType[0], nameType[1]);
    }
    assertThat(declared).containsOnlyKeys(SEARCH_ATTRIBUTES);
    assertThat(declared.values()).containsOnly("Keyword");

    String script = Files.readString(scriptRunBy(TEMPORAL_SETUP));
    assertThat(script)
        .contains("temporal operator namespace create")
        .contains("temporal operator search-attribute create")
        .contains("--name \"$name\"", "--type \"$type\"");

    // every key declared in code is created with the same type
    Class<?> keys;
    try {
      keys = Class.forName("dev.agentsim.workflows.batch.SimulationSearchAttributes");
    } catch (ClassNotFoundException e) {
      return; // the class moved: the list above still pins the four names
    }
    Map<String, String> inCode = new LinkedHashMap<>();
    for (Field field : keys.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && SearchAttributeKey.class.isAssignableFrom(field.getType())) {
        field.setAccessible(true);
        SearchAttributeKey<?> key = (SearchAttributeKey<?>) field.get(null);
        inCode.put(key.getName(), normalizedType(key.getValueType().name()));
      }
    }
    assertThat(inCode).isNotEmpty();
    Map<String, String> declaredNormalized = new LinkedHashMap<>();
    declared.forEach((name, type) -> declaredNormalized.put(name, normalizedType(type)));
    assertThat(declaredNormalized).containsAllEntriesOf(inCode);
  }

  @Test
  void uiTalksToTheServerAndIsPublishedOn8233() {
    URI address = URI.create("grpc://" + env(TEMPORAL_UI).get("TEMPORAL_ADDRESS"));
    assertThat(address.getHost()).isEqualTo(serverService());
    assertThat(address.getPort()).isEqualTo(7233);
    assertThat(portMappings(TEMPORAL_UI)).containsExactly(Map.entry(8233, 8080));
  }

  @Test
  void noTwoServicesPublishTheSameHostPort() {
    Map<Integer, String> owner = new HashMap<>();
    for (String name : services.keySet()) {
      for (int port : hostPorts(name)) {
        String previous = owner.put(port, name);
        assertThat(previous)
            .as("host port %d published by %s and %s", port, previous, name)
            .isNull();
      }
    }
  }

  @Test
  void everyBindMountPointsAtAFileInTheRepository() {
    Map<String, Object> namedVolumes =
        compose.get("volumes") == null ? Map.of() : map(compose, "volumes");
    services.forEach(
        (name, service) ->
            mounts(name)
                .forEach(
                    (source, target) -> {
                      if (source.startsWith(".") || source.startsWith("/")) {
                        assertThat(root.resolve(source)).as("%s mounts %s", name, source).exists();
                      } else {
                        assertThat(namedVolumes)
                            .as("%s uses volume %s", name, source)
                            .containsKey(source);
                      }
                    }));
    for (String job : ONE_SHOT_JOBS) {
      assertThat(scriptRunBy(job)).isRegularFile();
    }
  }

  @Test
  void dockerfileBuildsTheWorkerJarAndRunsItAsNonRoot() throws IOException {
    Path dockerfile = root.resolve("Dockerfile");
    assertThat(dockerfile).isRegularFile();
    List<String> lines = instructions(Files.readString(dockerfile));

    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSize(2);
    Matcher buildStage =
        Pattern.compile("FROM (\\S+) AS (\\S+)", Pattern.CASE_INSENSITIVE).matcher(froms.get(0));
    assertThat(buildStage.matches()).as("named build stage: %s", froms.get(0)).isTrue();
    String stage = buildStage.group(2);
    assertThat(froms.get(1)).startsWith("FROM eclipse-temurin:21-jre");

    List<String> buildRuns =
        lines.subList(0, lines.indexOf(froms.get(1))).stream()
            .filter(l -> l.startsWith("RUN "))
            .toList();
    assertThat(buildRuns)
        .as("the build stage packages with the Maven wrapper")
        .anyMatch(r -> r.contains("./mvnw") && r.contains(" package") && r.contains("-DskipTests"));

    String jar = finalName() + ".jar";
    assertThat(lines)
        .as("runtime copies the jar the worker module builds")
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("COPY --from=" + stage + " ")
                    .contains("worker/target/" + jar, "/app/agentsim.jar"));
    assertThat(lines)
        .as("the launcher beside it, on the PATH")
        .contains("COPY --from=" + stage + " /src/worker/target/agentsim /app/agentsim")
        .anyMatch(l -> l.startsWith("ENV PATH=") && l.contains("/app:"));
    assertThat(lines).contains("ENTRYPOINT [\"java\",\"-jar\",\"/app/agentsim.jar\"]");
    assertThat(lines).anyMatch(l -> l.startsWith("EXPOSE ") && l.contains("8080"));
    List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    assertThat(users.get(users.size() - 1))
        .doesNotContain("root")
        .isNotEqualTo("USER 0")
        .doesNotStartWith("USER 0:");

    Path dockerignore = root.resolve(".dockerignore");
    assertThat(dockerignore).isRegularFile();
    assertThat(Files.readAllLines(dockerignore))
        .contains(".git")
        .anyMatch(l -> l.contains("target"));
  }

  // ---------------------------------------------------------------- helpers

  /** The service running the Temporal server image. */
  static String serverService() {
    List<String> servers =
        services.entrySet().stream()
            .filter(e -> String.valueOf(e.getValue().get("image")).startsWith("temporalio/server:"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(servers).hasSize(1);
    return servers.get(0);
  }

  static String image(String service) {
    return String.valueOf(services.get(service).get("image"));
  }

  static String tag(String service) {
    String image = image(service);
    return image.substring(image.lastIndexOf(':') + 1);
  }

  static Map<String, String> dependsOn(String service) {
    Object raw = services.get(service).get("depends_on");
    Map<String, String> result = new LinkedHashMap<>();
    if (raw == null) {
      return result;
    }
    if (!(raw instanceof Map<?, ?> targets)) {
      fail("%s: depends_on must be the long form with a condition, was %s", service, raw);
      return result;
    }
    targets.forEach(
        (target, spec) -> {
          Object condition = spec instanceof Map<?, ?> m ? m.get("condition") : null;
          result.put(
              String.valueOf(target),
              condition == null ? "service_started" : String.valueOf(condition));
        });
    return result;
  }

  static void visit(String name, Set<String> path, Set<String> done) {
    if (done.contains(name)) {
      return;
    }
    assertThat(path.add(name)).as("dependency cycle through %s", path).isTrue();
    for (String target : dependsOn(name).keySet()) {
      visit(target, path, done);
    }
    path.remove(name);
    done.add(name);
  }

  /** The environment, from the map or the KEY=VALUE list form, values as written. */
  static Map<String, String> env(String service) {
    Object raw = services.get(service).get("environment");
    Map<String, String> result = new LinkedHashMap<>();
    if (raw instanceof Map<?, ?> m) {
      m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (raw instanceof List<?> list) {
      for (Object entry : list) {
        String[] kv = String.valueOf(entry).split("=", 2);
        result.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return result;
  }

  /** host port -> container port, for short ("8080:80", "127.0.0.1:8080:80") and long syntax. */
  static Map<Integer, Integer> portMappings(String service) {
    Map<Integer, Integer> result = new LinkedHashMap<>();
    Object raw = services.get(service).get("ports");
    if (raw == null) {
      return result;
    }
    for (Object entry : (List<?>) raw) {
      if (entry instanceof Map<?, ?> m) {
        Object published = m.get("published");
        if (published != null) {
          result.put(
              Integer.valueOf(withDefaults(String.valueOf(published))),
              Integer.valueOf(String.valueOf(m.get("target"))));
        }
        continue;
      }
      String spec = withDefaults(String.valueOf(entry)).replaceAll("/(tcp|udp)$", "");
      String[] parts = spec.split(":");
      assertThat(parts.length)
          .as("%s port %s publishes a host port", service, spec)
          .isGreaterThanOrEqualTo(2);
      result.put(
          Integer.valueOf(parts[parts.length - 2]), Integer.valueOf(parts[parts.length - 1]));
    }
    return result;
  }

  static List<Integer> hostPorts(String service) {
    return new ArrayList<>(portMappings(service).keySet());
  }

  static List<Integer> containerPorts(String service) {
    return new ArrayList<>(portMappings(service).values());
  }

  /** volume source -> target, short or long syntax. */
  static Map<String, String> mounts(String service) {
    Map<String, String> result = new LinkedHashMap<>();
    Object raw = services.get(service).get("volumes");
    if (raw == null) {
      return result;
    }
    for (Object entry : (List<?>) raw) {
      if (entry instanceof Map<?, ?> m) {
        result.put(String.valueOf(m.get("source")), String.valueOf(m.get("target")));
      } else {
        String[] parts = String.valueOf(entry).split(":");
        if (parts.length >= 2) {
          result.put(parts[0], parts[1]);
        }
      }
    }
    return result;
  }

  /** The file on the host that a service sees at {@code containerPath}, through a bind mount. */
  static Path hostPathFor(String service, String containerPath) {
    for (Map.Entry<String, String> mount : mounts(service).entrySet()) {
      String target = mount.getValue().endsWith("/") ? mount.getValue() : mount.getValue() + "/";
      if (containerPath.equals(mount.getValue())) {
        return root.resolve(mount.getKey());
      }
      if (containerPath.startsWith(target)) {
        return root.resolve(mount.getKey()).resolve(containerPath.substring(target.length()));
      }
    }
    fail("%s mounts nothing at %s", service, containerPath);
    return null;
  }

  /** The host file a service mounts somewhere under {@code containerDir}. */
  static Path hostFileMountedAt(String service, String containerDir) {
    return mounts(service).entrySet().stream()
        .filter(m -> m.getValue().startsWith(containerDir))
        .map(m -> root.resolve(m.getKey()))
        .findFirst()
        .orElseGet(() -> fail("%s mounts nothing into %s", service, containerDir));
  }

  /**
   * The script (under a bind-mounted directory) that a one-shot service's entrypoint/command runs.
   */
  static Path scriptRunBy(String service) {
    List<String> argv = new ArrayList<>(strings(services.get(service).get("entrypoint")));
    argv.addAll(strings(services.get(service).get("command")));
    String script =
        argv.stream()
            .flatMap(a -> Pattern.compile("\\s+").splitAsStream(a))
            .filter(a -> a.endsWith(".sh"))
            .findFirst()
            .orElseGet(() -> fail("%s runs no script: %s", service, argv));
    return hostPathFor(service, script);
  }

  static List<String> strings(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (raw instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(raw));
  }

  /** Replaces ${VAR:-default} and ${VAR-default} by their defaults, ${VAR} by "". */
  static String withDefaults(String value) {
    return value.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?}", "$1");
  }

  /**
   * "Keyword", "KEYWORD", "INDEXED_VALUE_TYPE_KEYWORD_LIST" -> "keyword", "keyword", "keywordlist".
   */
  static String normalizedType(String type) {
    return type.replace("INDEXED_VALUE_TYPE_", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Dockerfile instructions, one per line, continuation lines joined, comments dropped. */
  static List<String> instructions(String dockerfile) {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      result.add(current.toString().replaceAll("\\s+", " "));
      current.setLength(0);
    }
    return result;
  }

  /** The worker module's build finalName, i.e. the jar name under worker/target. */
  static String finalName() throws IOException {
    String pom = Files.readString(root.resolve("worker").resolve("pom.xml"));
    Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertThat(m.find()).as("worker/pom.xml sets <finalName>").isTrue();
    return m.group(1).strip();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    return asMap(parent.get(key), key);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value, String what) {
    if (!(value instanceof Map<?, ?>)) {
      fail("%s is not a mapping: %s", what, value);
    }
    return (Map<String, Object>) value;
  }
}
