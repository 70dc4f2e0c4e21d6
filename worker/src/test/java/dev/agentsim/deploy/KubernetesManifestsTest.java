package dev.agentsim.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentsim.workflows.TaskQueues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders deploy/k8s with {@code kubectl kustomize}, as {@code kubectl apply -k} would, and checks
 * the objects it would create: that each process gets its role, its configuration and its secrets,
 * is probed and scraped where it listens, runs locked down, and that KEDA scales the workers on the
 * task queue they poll. Skipped where kubectl is not installed.
 */
class KubernetesManifestsTest {

  static final String BASE = "base";
  static final String EXAMPLE = "overlays/example";
  static final String API = "api";
  static final String WORKER = "worker";
  static final Pattern SECRET_NAME = Pattern.compile(".*(KEY|PASSWORD|SECRET|TOKEN).*");

  static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
  static Path root;

  @BeforeAll
  static void locate() {
    root = Files.exists(Path.of("..", "deploy", "k8s")) ? Path.of("..") : Path.of(".");
    assertThat(root.resolve("deploy/k8s/base/kustomization.yaml")).isRegularFile();
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void apiAndWorkerRunTheOneImageInTheirRoles(String dir) {
    Rendered k8s = render(dir);
    Map<String, Object> api = k8s.container(API);
    Map<String, Object> worker = k8s.container(WORKER);
    assertThat(api.get("image")).isNotNull().isEqualTo(worker.get("image"));
    assertThat(literalEnv(api)).containsEntry("SIMULATOR_ROLES", "api");
    assertThat(literalEnv(worker)).containsEntry("SIMULATOR_ROLES", "worker");
    assertThat(k8s.deployment(API).get("kind")).isEqualTo("Deployment");
    assertThat(map(k8s.deployment(WORKER), "spec"))
        .as("the ScaledObject owns the worker count; applying again must not reset it")
        .doesNotContainKey("replicas");
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void probesAskTheHealthGroupsWhereEachProcessServesThem(String dir) throws IOException {
    Rendered k8s = render(dir);
    Map<String, Object> appYaml =
        new Yaml()
            .load(Files.readString(root.resolve("worker/src/main/resources/application.yml")));
    int serverPort = ((Number) map(appYaml, "server").get("port")).intValue();
    Map<String, Object> worker = k8s.container(WORKER);
    int healthPort = Integer.parseInt(literalEnv(worker).get("SIMULATOR_WORKER_HEALTH_PORT"));
    assertThat(healthPort).isNotEqualTo(serverPort);

    assertProbes(k8s.container(API), serverPort);
    assertProbes(worker, healthPort);
  }

  static void assertProbes(Map<String, Object> container, int port) {
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(container, probe), "httpGet");
      String expected =
          probe.equals("readinessProbe")
              ? "/actuator/health/readiness"
              : "/actuator/health/liveness";
      assertThat(get.get("path")).as("%s path", probe).isEqualTo(expected);
      assertThat(containerPort(container, get.get("port"))).as("%s port", probe).isEqualTo(port);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void everyContainerHasRequestsWithinItsLimits(String dir) {
    Rendered k8s = render(dir);
    for (String component : List.of(API, WORKER)) {
      Map<String, Object> resources = map(k8s.container(component), "resources");
      for (String resource : List.of("cpu", "memory")) {
        BigDecimal request = quantity(map(resources, "requests").get(resource));
        BigDecimal limit = quantity(map(resources, "limits").get(resource));
        assertThat(request)
            .as("%s %s request", component, resource)
            .isPositive()
            .isLessThanOrEqualTo(limit);
      }
      // the JVM's heap is a share of the memory limit: a request below it risks an eviction under
      // load
      assertThat(map(resources, "requests").get("memory"))
          .isEqualTo(map(resources, "limits").get("memory"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void settingsComeFromTheConfigMapAndSecretsOnlyByReference(String dir) {
    Rendered k8s = render(dir);
    assertThat(k8s.ofKind("Secret"))
        .as("secrets are created beside the manifests, not in them")
        .isEmpty();
    Map<String, Object> configMap = k8s.only("ConfigMap");
    Map<String, Object> settings = map(configMap, "data");
    assertThat(settings.keySet()).noneMatch(key -> SECRET_NAME.matcher(key).matches());
    assertThat(settings)
        .containsEntry("SPRING_TEMPORAL_TESTSERVER_ENABLED", "false")
        .doesNotContainKey("SIMULATOR_AUTH_REQUIRED");
    assertThat(String.valueOf(settings.get("SPRING_DATASOURCE_URL")))
        .startsWith("jdbc:postgresql://");
    assertThat(hostAndPort(settings.get("SPRING_TEMPORAL_CONNECTION_TARGET"))).endsWith(":7233");

    for (String component : List.of(API, WORKER)) {
      Map<String, Object> container = k8s.container(component);
      assertThat(list(container, "envFrom"))
          .as("%s reads the ConfigMap", component)
          .containsExactly(Map.of("configMapRef", Map.of("name", name(configMap))));
      Map<String, Map<String, Object>> secretRefs = new LinkedHashMap<>();
      for (Object e : list(container, "env")) {
        Map<String, Object> env = asMap(e, "env");
        String name = String.valueOf(env.get("name"));
        if (SECRET_NAME.matcher(name).matches()) {
          assertThat(env).as("%s of %s", name, component).doesNotContainKey("value");
          secretRefs.put(name, map(map(env, "valueFrom"), "secretKeyRef"));
        }
      }
      for (String required : List.of("SIMULATOR_SECRETS_KEY", "SPRING_DATASOURCE_PASSWORD")) {
        assertThat(secretRefs).as("%s of %s", required, component).containsKey(required);
        assertThat(secretRefs.get(required))
            .as("%s of %s", required, component)
            .doesNotContainKey("optional");
      }
      assertThat(secretRefs.get("SIMULATOR_SECRETS_KEY"))
          .isEqualTo(k8s.secretRef(API, "SIMULATOR_SECRETS_KEY"));
      assertThat(secretRefs.get("SPRING_DATASOURCE_PASSWORD"))
          .isEqualTo(k8s.secretRef(API, "SPRING_DATASOURCE_PASSWORD"));
    }
    assertThat(k8s.secretRef(API, "SIMULATOR_ADMIN_KEY"))
        .as("without it a fresh database gets a generated admin key")
        .containsEntry("optional", true);
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void servicesSelectThePodsOfTheirDeploymentAndReachAPort(String dir) {
    Rendered k8s = render(dir);
    for (Map<String, Object> deployment : k8s.ofKind("Deployment")) {
      Map<String, Object> podLabels = map(map(map(deployment, "spec"), "template"), "metadata");
      Map<String, Object> selector = map(map(map(deployment, "spec"), "selector"), "matchLabels");
      assertThat(map(podLabels, "labels"))
          .as("%s selects its own pods", name(deployment))
          .containsAllEntriesOf(selector);
    }
    for (String component : List.of(API, WORKER)) {
      Map<String, Object> service = k8s.service(component);
      Map<String, Object> selector = map(map(service, "spec"), "selector");
      List<Map<String, Object>> selected =
          k8s.ofKind("Deployment").stream()
              .filter(
                  d ->
                      map(map(map(map(d, "spec"), "template"), "metadata"), "labels")
                          .entrySet()
                          .containsAll(selector.entrySet()))
              .toList();
      assertThat(selected)
          .as("pods the %s Service selects", component)
          .containsExactly(k8s.deployment(component));
      // the port the process serves, the one its readiness is checked on
      Map<String, Object> container = k8s.container(component);
      int served =
          containerPort(container, map(map(container, "readinessProbe"), "httpGet").get("port"));
      List<Object> ports = list(map(service, "spec"), "ports");
      assertThat(ports).hasSize(1);
      assertThat(containerPort(container, asMap(ports.get(0), "port").get("targetPort")))
          .isEqualTo(served);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void everyObjectCarriesTheAppsLabels(String dir) {
    Rendered k8s = render(dir);
    for (Map<String, Object> object : k8s.objects()) {
      if (object.get("kind").equals("ConfigMap")) {
        continue; // shared by both components
      }
      Map<String, Object> labels = map(map(object, "metadata"), "labels");
      assertThat(labels)
          .as("labels of %s %s", object.get("kind"), name(object))
          .containsEntry("app.kubernetes.io/name", "agentsim");
      assertThat(labels.get("app.kubernetes.io/component")).isIn(API, WORKER);
    }
    for (String component : List.of(API, WORKER)) {
      Map<String, Object> deployment = k8s.deployment(component);
      assertThat(map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels"))
          .isEqualTo(map(map(deployment, "metadata"), "labels"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void kedaScalesTheWorkersOnTheSimulationTaskQueue(String dir) {
    Rendered k8s = render(dir);
    Map<String, Object> scaled = k8s.only("ScaledObject");
    assertThat(scaled.get("apiVersion")).isEqualTo("keda.sh/v1alpha1");
    Map<String, Object> spec = map(scaled, "spec");
    Map<String, Object> target = map(spec, "scaleTargetRef");
    assertThat(target)
        .containsEntry("kind", "Deployment")
        .containsEntry("name", name(k8s.deployment(WORKER)));
    assertThat(target.get("envSourceContainerName")).isEqualTo(k8s.container(WORKER).get("name"));
    assertThat(((Number) spec.get("minReplicaCount")).intValue())
        .as("timers (the sweep, retention, webhooks) need a worker to fire on")
        .isPositive();
    assertThat(((Number) spec.get("maxReplicaCount")).intValue())
        .isGreaterThan(((Number) spec.get("minReplicaCount")).intValue());

    List<Object> triggers = list(spec, "triggers");
    assertThat(triggers).hasSize(1);
    Map<String, Object> trigger = asMap(triggers.get(0), "trigger");
    assertThat(trigger.get("type")).isEqualTo("temporal");
    Map<String, Object> metadata = map(trigger, "metadata");
    Map<String, Object> settings = map(k8s.only("ConfigMap"), "data");
    assertThat(metadata.get("taskQueue")).isEqualTo(TaskQueues.SIMULATION);
    assertThat(metadata.get("namespace")).isEqualTo(settings.get("SPRING_TEMPORAL_NAMESPACE"));
    assertThat(Integer.parseInt(String.valueOf(metadata.get("targetQueueSize")))).isPositive();

    // KEDA reads the worker's environment for it, so both dial the same server
    String endpoint =
        metadata.containsKey("endpointFromEnv")
            ? String.valueOf(settings.get(String.valueOf(metadata.get("endpointFromEnv"))))
            : String.valueOf(metadata.get("endpoint"));
    assertThat(endpoint).isEqualTo(settings.get("SPRING_TEMPORAL_CONNECTION_TARGET"));
    assertThat(hostAndPort(endpoint).split(":")[0])
        .as(
            "KEDA resolves it from its own namespace: a name qualified with the Service's namespace")
        .contains(".svc");
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void podsRunAsTheImagesUserWithAReadOnlyRootAndAWritableTmp(String dir) throws IOException {
    Rendered k8s = render(dir);
    Matcher user =
        Pattern.compile("(?m)^USER (\\d+)").matcher(Files.readString(root.resolve("Dockerfile")));
    assertThat(user.find()).as("the Dockerfile names its user by number").isTrue();
    for (String component : List.of(API, WORKER)) {
      Map<String, Object> pod = map(map(k8s.deployment(component), "spec"), "template");
      Map<String, Object> podSecurity = map(map(pod, "spec"), "securityContext");
      assertThat(podSecurity).containsEntry("runAsNonRoot", true);
      assertThat(String.valueOf(podSecurity.get("runAsUser"))).isEqualTo(user.group(1));
      assertThat(map(pod, "spec"))
          .as("the service never calls the Kubernetes API")
          .containsEntry("automountServiceAccountToken", false);

      Map<String, Object> container = k8s.container(component);
      Map<String, Object> security = map(container, "securityContext");
      assertThat(security)
          .containsEntry("allowPrivilegeEscalation", false)
          .containsEntry("readOnlyRootFilesystem", true);
      assertThat(list(map(security, "capabilities"), "drop")).containsExactly("ALL");

      // Tomcat's work directory, the JVM's perf data and Netty's unpacked native libraries need a
      // writable /tmp
      String tmpVolume =
          list(container, "volumeMounts").stream()
              .map(m -> asMap(m, "volumeMount"))
              .filter(m -> "/tmp".equals(m.get("mountPath")))
              .map(m -> String.valueOf(m.get("name")))
              .findFirst()
              .orElseGet(() -> fail("%s mounts nothing at /tmp", component));
      assertThat(list(map(pod, "spec"), "volumes"))
          .anySatisfy(
              v ->
                  assertThat(asMap(v, "volume"))
                      .containsEntry("name", tmpVolume)
                      .containsKey("emptyDir"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE})
  void prometheusScrapesEachProcessWhereItServesHealth(String dir) {
    Rendered k8s = render(dir);
    for (String component : List.of(API, WORKER)) {
      Map<String, Object> annotations =
          map(
              map(map(map(k8s.deployment(component), "spec"), "template"), "metadata"),
              "annotations");
      assertThat(annotations)
          .containsEntry("prometheus.io/scrape", "true")
          .containsEntry("prometheus.io/path", "/actuator/prometheus");
      Object healthPort =
          map(map(k8s.container(component), "readinessProbe"), "httpGet").get("port");
      assertThat(Integer.parseInt(String.valueOf(annotations.get("prometheus.io/port"))))
          .isEqualTo(containerPort(k8s.container(component), healthPort));
    }
  }

  @Test
  void theExampleOverlaySetsNamespaceImageAndDatabase() {
    Rendered base = render(BASE);
    Rendered example = render(EXAMPLE);
    assertThat(example.objects()).hasSameSizeAs(base.objects());
    for (Map<String, Object> object : example.objects()) {
      assertThat(map(object, "metadata"))
          .as("namespace of %s", name(object))
          .containsEntry("namespace", "agentsim");
    }
    assertThat(example.container(API).get("image"))
        .isEqualTo("registry.example.com/agentsim:0.1.0");
    Map<String, Object> settings = map(example.only("ConfigMap"), "data");
    assertThat(String.valueOf(settings.get("SPRING_DATASOURCE_URL")))
        .contains("postgres.databases.svc");
    // merged, not replaced: the base's other settings stay
    assertThat(settings.keySet()).containsAll(map(base.only("ConfigMap"), "data").keySet());
  }

  // ---------------------------------------------------------------- rendering

  /** The objects one kustomization renders to. */
  record Rendered(List<Map<String, Object>> objects) {

    List<Map<String, Object>> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> only(String kind) {
      List<Map<String, Object>> found = ofKind(kind);
      assertThat(found).as("objects of kind %s", kind).hasSize(1);
      return found.get(0);
    }

    Map<String, Object> component(String kind, String component) {
      List<Map<String, Object>> found =
          ofKind(kind).stream()
              .filter(
                  o ->
                      component.equals(
                          map(map(o, "metadata"), "labels").get("app.kubernetes.io/component")))
              .toList();
      assertThat(found).as("%s of the %s", kind, component).hasSize(1);
      return found.get(0);
    }

    Map<String, Object> deployment(String component) {
      return component("Deployment", component);
    }

    Map<String, Object> service(String component) {
      return component("Service", component);
    }

    Map<String, Object> container(String component) {
      List<Object> containers =
          list(map(map(map(deployment(component), "spec"), "template"), "spec"), "containers");
      assertThat(containers).as("containers of the %s", component).hasSize(1);
      return asMap(containers.get(0), "container");
    }

    Map<String, Object> secretRef(String component, String env) {
      return list(container(component), "env").stream()
          .map(e -> asMap(e, "env"))
          .filter(e -> env.equals(e.get("name")))
          .map(e -> map(map(e, "valueFrom"), "secretKeyRef"))
          .findFirst()
          .orElseGet(() -> fail("%s gets no %s", component, env));
    }
  }

  static Rendered render(String dir) {
    return RENDERED.computeIfAbsent(dir, KubernetesManifestsTest::kustomize);
  }

  static Rendered kustomize(String dir) {
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "kubectl", "kustomize", root.resolve("deploy/k8s").resolve(dir).toString())
              .start();
    } catch (IOException e) {
      assumeTrue(false, "kubectl is not installed: " + e.getMessage());
      return null;
    }
    try {
      CompletableFuture<String> errors =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String out = read(process.getInputStream());
      assertThat(process.waitFor(60, TimeUnit.SECONDS))
          .as("kubectl kustomize %s finished", dir)
          .isTrue();
      assertThat(process.exitValue()).as("kubectl kustomize %s: %s", dir, errors.join()).isZero();
      List<Map<String, Object>> objects = new ArrayList<>();
      for (Object document : new Yaml().loadAll(out)) {
        if (document != null) {
          objects.add(asMap(document, "object"));
        }
      }
      return new Rendered(objects);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The number of a container's port, given by number or by name (as probes and Services may). */
  static int containerPort(Map<String, Object> container, Object port) {
    if (port instanceof Number number) {
      return number.intValue();
    }
    return list(container, "ports").stream()
        .map(p -> asMap(p, "port"))
        .filter(p -> Objects.equals(p.get("name"), port))
        .map(p -> ((Number) p.get("containerPort")).intValue())
        .findFirst()
        .orElseGet(() -> fail("%s has no port named %s", container.get("name"), port));
  }

  /** The env entries with a literal value. */
  static Map<String, String> literalEnv(Map<String, Object> container) {
    Map<String, String> result = new LinkedHashMap<>();
    for (Object e : list(container, "env")) {
      Map<String, Object> env = asMap(e, "env");
      if (env.containsKey("value")) {
        result.put(String.valueOf(env.get("name")), String.valueOf(env.get("value")));
      }
    }
    return result;
  }

  static String hostAndPort(Object value) {
    String address = String.valueOf(value);
    assertThat(address).matches("[a-z0-9.-]+:\\d+");
    return address;
  }

  /** A Kubernetes quantity ("250m", "2", "1Gi", "512Mi") as a number. */
  static BigDecimal quantity(Object value) {
    Matcher m =
        Pattern.compile("(\\d+(?:\\.\\d+)?)(m|k|M|G|Ki|Mi|Gi)?").matcher(String.valueOf(value));
    assertThat(m.matches()).as("quantity %s", value).isTrue();
    BigDecimal number = new BigDecimal(m.group(1));
    if (m.group(2) == null) {
      return number;
    }
    return switch (m.group(2)) {
      case "m" -> number.movePointLeft(3);
      case "k" -> number.movePointRight(3);
      case "M" -> number.movePointRight(6);
      case "G" -> number.movePointRight(9);
      case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
      default -> number.multiply(BigDecimal.valueOf(1L << 30));
    };
  }

  static String name(Map<String, Object> object) {
    return String.valueOf(map(object, "metadata").get("name"));
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    return asMap(parent.get(key), key);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    if (!(value instanceof List<?>)) {
      fail("%s is not a list: %s", key, value);
    }
    return (List<Object>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value, String what) {
    if (!(value instanceof Map<?, ?>)) {
      fail("%s is not a mapping: %s", what, value);
    }
    return (Map<String, Object>) value;
  }
}
