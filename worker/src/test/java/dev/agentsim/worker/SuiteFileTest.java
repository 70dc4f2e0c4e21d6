package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.secret.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Suite files: a project's definitions applied from YAML by name, exported back, and the schema
 * editors use.
 */
class SuiteFileTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** As kept in git: secrets are references. {@code %s} is the fakes' base URL. */
  private static final String FILE =
      """
      # the pizza bot's regression suite
      models:
        - name: fake LLM
          provider: openai
          baseUrl: %1$s/v1
          model: fake-model
          apiKey: ${LLM_API_KEY}
          temperature: 0.2
      personas:
        - name: Sam
          description: Hungry and impatient
          traits: {patience: low}
          knownInfo: {address: 12 Elm Street}
      agents:
        - name: pizza bot
          type: http
          config:
            url: %1$s/agent
            timeoutMs: 5000
            headers:
              Authorization: Bearer ${BOT_TOKEN}
        - name: chat bot
          type: openai-chat
          config:
            model: fake LLM
            systemPrompt: You are PizzaBot.
            tools:
              - name: place_order
                description: Places an order
      scenarios:
        - name: Order a pizza
          persona: Sam
          mission: Order a large pizza margherita and get an order number
          maxTurns: 3
          successCriteria:
            - type: contains
              params: {value: confirmed}
            - type: regex
              params: {pattern: "order number \\\\d+"}
        - name: Ask for opening hours
          persona:
            name: Kim
            description: Curious
          mission: Find out when the shop opens
          script: [When do you open?]
      suites:
        - name: smoke
          agent: pizza bot
          model: fake LLM
          scenarios: [Order a pizza, Ask for opening hours]
          runs: 3
          concurrency: 2
          thresholds: {minPassRate: 0.9, maxErrors: 0}
          mocking:
            toolOverrides:
              place_order:
                output: {order: 7, items: [margherita]}
              check_stock: {error: out of stock, delayMs: 3000}
      """;

  @Autowired DefinitionRepository repository;

  @Autowired SecretBox secrets;

  record Answer(int status, String contentType, String body) {

    Map<String, Object> json() {
      return JSON.readValue(body, new TypeReference<>() {});
    }

    /** kind/name of each object the answer lists under {@code outcome}. */
    @SuppressWarnings("unchecked")
    List<String> objects(String outcome) {
      return ((List<Map<String, Object>>) json().get(outcome))
          .stream().map(o -> o.get("kind") + "/" + o.get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String outcome, String kind, String name) {
      return ((List<Map<String, Object>>) json().get(outcome))
          .stream()
              .filter(o -> kind.equals(o.get("kind")) && name.equals(o.get("name")))
              .findFirst()
              .orElseThrow();
    }
  }

  private static String project() {
    return "suites-" + UUID.randomUUID();
  }

  /**
   * The file as a client applying it sends it: its references resolved from the client's
   * environment.
   */
  private static String resolved(String file) {
    return file.replace("${LLM_API_KEY}", "sk-file-secret").replace("${BOT_TOKEN}", "bot-secret");
  }

  private static String file() {
    return FILE.formatted(fakes.baseUrl());
  }

  private Answer apply(String project, String yaml) {
    return send(
        HttpRequest.newBuilder(uri("/v1/apply?projectId=" + project))
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(yaml)));
  }

  private Answer get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final List<String> ALL =
      List.of(
          "model/fake LLM",
          "persona/Sam",
          "agent/pizza bot",
          "agent/chat bot",
          "scenario/Order a pizza",
          "scenario/Ask for opening hours",
          "suite/smoke");

  @Test
  void applyCreatesEveryObjectThenAgainChangesNothing() {
    String project = project();

    Answer first = apply(project, resolved(file()));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.objects("created")).containsExactlyElementsOf(ALL);
    assertThat(first.objects("updated")).isEmpty();
    assertThat(first.object("created", "agent", "pizza bot").get("revision")).isEqualTo(1);

    // the objects are there, as the native API shows them, the references resolved to ids
    String modelId = (String) first.object("created", "model", "fake LLM").get("id");
    String personaId = (String) first.object("created", "persona", "Sam").get("id");
    Map<String, Object> chatBot =
        http.get(
                "/v1/agents/"
                    + first.object("created", "agent", "chat bot").get("id")
                    + "?projectId="
                    + project)
            .body();
    assertThat(chatBot).extracting("config").extracting("modelId").isEqualTo(modelId);
    Map<String, Object> scenario =
        http.get(
                "/v1/scenarios/"
                    + first.object("created", "scenario", "Order a pizza").get("id")
                    + "?projectId="
                    + project)
            .body();
    assertThat(scenario.get("personaId")).isEqualTo(personaId);
    assertThat((List<?>) scenario.get("successCriteria")).hasSize(2);
    assertThat(http.get("/v1/models?projectId=" + project).list("data")).hasSize(1);

    Answer second = apply(project, resolved(file()));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.objects("created")).isEmpty();
    assertThat(second.objects("updated")).isEmpty();
    assertThat(second.objects("unchanged")).containsExactlyElementsOf(ALL);
    assertThat(second.object("unchanged", "agent", "pizza bot").get("revision")).isEqualTo(1);
  }

  @Test
  void parallelApplicationsOfOneFileCreateEachObjectOnce() throws Exception {
    String project = project();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(clients.submit(() -> apply(project, resolved(file()))));
      }
      List<String> created = new ArrayList<>();
      for (Future<Answer> answer : answers) {
        assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(200);
        created.addAll(answer.get().objects("created"));
      }
      assertThat(created).containsExactlyInAnyOrderElementsOf(ALL);
    } finally {
      clients.shutdown();
    }
    assertThat(http.get("/v1/agents?projectId=" + project).list("data")).hasSize(2);
  }

  @Test
  void anEditedAgentIsUpdatedWithANewRevisionAndNothingElseIsTouched() {
    String project = project();
    String unrelated =
        http.post("/v1/personas?projectId=" + project, Map.of("name", "not in the file"))
            .body()
            .get("id")
            .toString();
    String agentId =
        (String) apply(project, resolved(file())).object("created", "agent", "pizza bot").get("id");

    Answer edited = apply(project, resolved(file()).replace("timeoutMs: 5000", "timeoutMs: 7000"));

    assertThat(edited.status()).as(edited.body()).isEqualTo(200);
    assertThat(edited.objects("updated")).containsExactly("agent/pizza bot");
    assertThat(edited.object("updated", "agent", "pizza bot"))
        .containsEntry("id", agentId)
        .containsEntry("revision", 2);
    assertThat(edited.objects("unchanged")).hasSize(ALL.size() - 1);
    assertThat(http.get("/v1/agents/" + agentId + "?projectId=" + project).body())
        .containsEntry("revision", 2)
        .extracting("config")
        .extracting("timeoutMs")
        .isEqualTo(7000);
    assertThat(http.get("/v1/agents/" + agentId + "/revisions?projectId=" + project).list("data"))
        .hasSize(2);
    assertThat(http.get("/v1/personas/" + unrelated + "?projectId=" + project).status())
        .isEqualTo(200);
  }

  @Test
  void secretsTravelAsReferencesAndAreNeverExported() {
    String project = project();

    // nobody resolved the references and nothing is stored for them: refused, naming where
    Answer unresolved = apply(project, file());
    assertThat(unresolved.status()).isEqualTo(400);
    assertThat(unresolved.json())
        .containsEntry("field", "models[0].apiKey")
        .containsEntry("code", "UNRESOLVED_REFERENCE");
    assertThat(http.get("/v1/models?projectId=" + project).list("data")).isEmpty();

    Answer applied = apply(project, resolved(file()));
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    UUID agentId =
        UUID.fromString((String) applied.object("created", "agent", "pizza bot").get("id"));
    UUID modelId =
        UUID.fromString((String) applied.object("created", "model", "fake LLM").get("id"));
    HttpAgentConfig config =
        (HttpAgentConfig) repository.get(Kind.AGENT, agentId, AgentSpec.class).config();
    assertThat(SecretBox.isSealed(config.headers().get("Authorization"))).isTrue();
    assertThat(secrets.unseal(config.headers().get("Authorization")))
        .isEqualTo("Bearer bot-secret");
    assertThat(secrets.unseal(repository.get(Kind.MODEL, modelId, ModelSpec.class).apiKey()))
        .isEqualTo("sk-file-secret");

    // now the stored values stand for the references: the file as kept in git applies without a
    // change
    Answer again = apply(project, file());
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.objects("unchanged")).containsExactlyElementsOf(ALL);
    assertThat(secrets.unseal(repository.get(Kind.MODEL, modelId, ModelSpec.class).apiKey()))
        .isEqualTo("sk-file-secret");

    // a new value replaces the stored one
    Answer rotated = apply(project, resolved(file()).replace("sk-file-secret", "sk-rotated"));
    assertThat(rotated.objects("updated")).containsExactly("model/fake LLM");
    assertThat(secrets.unseal(repository.get(Kind.MODEL, modelId, ModelSpec.class).apiKey()))
        .isEqualTo("sk-rotated");

    Answer export = get("/v1/export?projectId=" + project);
    assertThat(export.body())
        .doesNotContain("sk-rotated", "bot-secret", "enc:")
        .contains("${MODEL_FAKE_LLM_API_KEY}", "${AGENT_PIZZA_BOT_AUTHORIZATION}");
  }

  @Test
  void applyExportApplyChangesNothing() {
    String project = project();
    assertThat(apply(project, resolved(file())).status()).isEqualTo(200);

    Answer export = get("/v1/export?projectId=" + project);

    assertThat(export.status()).isEqualTo(200);
    assertThat(export.contentType()).startsWith("application/yaml");
    assertThat(export.body())
        .startsWith(
            "# yaml-language-server: $schema=http://localhost:" + port + "/v1/schema/suite.json\n")
        .contains(
            "persona: Sam",
            "model: fake LLM",
            "name: smoke",
            "minPassRate: 0.9",
            "toolOverrides:",
            "error: out of stock",
            "delayMs: 3000")
        .doesNotContain("personaId", "modelId", "null");
    Answer reapplied = apply(project, export.body());
    assertThat(reapplied.status()).as(reapplied.body()).isEqualTo(200);
    assertThat(reapplied.objects("created")).isEmpty();
    assertThat(reapplied.objects("updated")).isEmpty();
    assertThat(reapplied.objects("unchanged")).containsExactlyInAnyOrderElementsOf(ALL);
    assertThat(get("/v1/export?projectId=" + project).body()).isEqualTo(export.body());

    // the export builds the same project elsewhere, given its secrets
    String copy = project();
    Answer copied =
        apply(
            copy,
            export
                .body()
                .replace("${MODEL_FAKE_LLM_API_KEY}", "sk-copy")
                .replace("${AGENT_PIZZA_BOT_AUTHORIZATION}", "Bearer copy"));
    assertThat(copied.status()).as(copied.body()).isEqualTo(200);
    assertThat(copied.objects("created")).containsExactlyInAnyOrderElementsOf(ALL);
  }

  @Test
  void anErrorNamesThePathInTheFileAndAppliesNothing() {
    String project = project();
    String file = resolved(file());

    assertError(
        project,
        file.replace("order number \\\\d+", "order number (\\\\d+"),
        "scenarios[0].successCriteria[1].params.pattern",
        "INVALID_VALUE");
    assertError(
        project,
        file.replace("type: contains", "type: includes"),
        "scenarios[0].successCriteria[0].type",
        "INVALID");
    assertError(
        project,
        file.replace("maxTurns: 3", "maxTurns: many"),
        "scenarios[0].maxTurns",
        "INVALID_TYPE");
    assertError(
        project,
        file.replace("timeoutMs: 5000", "timeout: 5000"),
        "agents[0].config.timeout",
        "UNKNOWN_FIELD");
    assertError(
        project,
        file.replace("url: " + fakes.baseUrl() + "/agent", "url: ftp://example.org"),
        "agents[0].config.url",
        "INVALID");
    assertError(
        project,
        file.replace("[Order a pizza, Ask for opening hours]", "[Order a pizza, Order a burger]"),
        "suites[0].scenarios[1]",
        "NOT_FOUND");
    assertError(
        project,
        file.replace("model: fake LLM\n      systemPrompt", "model: other LLM\n      systemPrompt"),
        "agents[1].config.model",
        "NOT_FOUND");
    assertError(
        project,
        file.replace("thresholds: {minPassRate: 0.9", "thresholds: {minPassRate: 1.5"),
        "suites[0].thresholds.minPassRate",
        "INVALID");
    assertError(
        project,
        file.replace("delayMs: 3000", "delayMs: 60001"),
        "suites[0].mocking.toolOverrides.check_stock.delayMs",
        "INVALID");
    assertError(
        project,
        file.replace("{error: out of stock,", "{output: 5, error: out of stock,"),
        "suites[0].mocking.toolOverrides.check_stock",
        "INVALID_VALUE");
    assertError(
        project,
        file.replace("output: {order: 7, items: [margherita]}", "delayMs: 10"),
        "suites[0].mocking.toolOverrides.place_order",
        "INVALID_VALUE");
    assertError(
        project,
        file.replace("error: out of stock", "error: ' '"),
        "suites[0].mocking.toolOverrides.check_stock.error",
        "INVALID_VALUE");
    assertError(
        project,
        file.replace("toolOverrides:", "toolOverides:"),
        "suites[0].mocking.toolOverides",
        "UNKNOWN_FIELD");
    assertError(project, file + "tests: []\n", "tests", "UNKNOWN_FIELD");
    assertError(project, "agents: [name: x\n", "body", "INVALID_YAML");

    // every one refused before anything was stored, including the objects before the faulty one
    assertThat(http.get("/v1/models?projectId=" + project).list("data")).isEmpty();
    assertThat(http.get("/v1/agents?projectId=" + project).list("data")).isEmpty();
  }

  private void assertError(String project, String file, String field, String code) {
    Answer answer = apply(project, file);
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.json())
        .as(answer.body())
        .containsEntry("field", field)
        .containsEntry("code", code)
        .containsKey("traceId");
    assertThat((String) answer.json().get("detail")).startsWith(field);
  }

  @Test
  void theSchemaIsServedValidAndAcceptsASuiteFile() {
    Answer schema = get("/v1/schema/suite.json");

    assertThat(schema.status()).isEqualTo(200);
    assertThat(schema.contentType()).startsWith("application/schema+json");
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    assertThat(
            registry
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"))
                .validate(schema.body(), InputFormat.JSON))
        .isEmpty();
    var suiteSchema = registry.getSchema(schema.body(), InputFormat.JSON);
    assertThat(suiteSchema.validate(file(), InputFormat.YAML)).isEmpty();
    // what an editor flags: a literal secret, an unknown field
    assertThat(
            suiteSchema.validate(resolved(file()), InputFormat.YAML).stream()
                .map(error -> error.getInstanceLocation().toString())
                .collect(Collectors.toSet()))
        .contains("/models/0/apiKey", "/agents/0/config/headers/Authorization");
    assertThat(suiteSchema.validate(file().replace("runs: 3", "runz: 3"), InputFormat.YAML))
        .isNotEmpty();
    assertThat(
            suiteSchema.validate(
                file().replace("{error: out of stock,", "{output: 5, error: out of stock,"),
                InputFormat.YAML))
        .isNotEmpty();
    List<Path> examples = examples();
    assertThat(examples)
        .extracting(example -> example.getFileName().toString())
        .contains("demo-suite.yaml", "pizza-suite.yaml", "openai-chat-suite.yaml");
    for (Path example : examples) {
      assertThat(suiteSchema.validate(read(example), InputFormat.YAML))
          .as(example.toString())
          .isEmpty();
    }
  }

  /**
   * The suite files of {@code examples/}: every YAML file there but the CI workflow's {@code .yml}.
   */
  private static List<Path> examples() {
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
