package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.worker.embedded.RunningPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Secrets at rest, the embedded default kept in a data directory: header values and model keys are
 * ciphertext in the database and still reach the agent; a restart on the same directory reads them
 * back; a new key with the old one as previous seals them anew; the embedded PostgreSQL takes no
 * connection without its password, also on a directory made before it had one.
 */
class SecretsAtRestTest {

  private static final String PROJECT = "sealed";
  private static final String HEADER_SECRET = "s3cr3t-header";
  private static final String MODEL_KEY = "sk-model-secret";

  @TempDir Path dir;

  private final WireMockServer agent = new WireMockServer(options().dynamicPort());
  private final List<ConfigurableApplicationContext> started = new ArrayList<>();

  @BeforeEach
  void agentRequiringItsHeader() {
    agent.start();
    agent.stubFor(
        post(urlEqualTo("/guarded")).atPriority(5).willReturn(aResponse().withStatus(401)));
    agent.stubFor(
        post(urlEqualTo("/guarded"))
            .atPriority(1)
            .withHeader("X-Api-Key", equalTo(HEADER_SECRET))
            .willReturn(okJson("{\"text\": \"Welcome back.\", \"ended\": false}")));
  }

  @AfterEach
  void stopAll() {
    started.forEach(ConfigurableApplicationContext::close);
    agent.stop();
  }

  @Test
  void headerValuesAndKeysAreCiphertextAndARestartOnTheSameDirectoryReadsThemBack()
      throws SQLException {
    Path data = dir.resolve("postgres");
    ConfigurableApplicationContext first = start(data);
    Http http = http(first);
    String agentId = agent(http);
    String modelId = model(http);
    String scenarioId = scenario(http);

    try (Connection connection = connect(first)) {
      JdbcClient sql = JdbcClient.create(new SingleConnectionDataSource(connection, true));
      String header =
          sql.sql(
                  "select body->'config'->'headers'->>'X-Api-Key' from definitions where id = ?::uuid")
              .param(agentId)
              .query(String.class)
              .single();
      String key =
          sql.sql("select body->>'apiKey' from definitions where id = ?::uuid")
              .param(modelId)
              .query(String.class)
              .single();
      List<String> revisions =
          sql.sql("select body::text from agent_revisions where agent_id = ?::uuid")
              .param(agentId)
              .query(String.class)
              .list();
      assertThat(header).startsWith("enc:v1:").doesNotContain(HEADER_SECRET);
      assertThat(key).startsWith("enc:v1:").doesNotContain(MODEL_KEY);
      assertThat(revisions)
          .singleElement()
          .asString()
          .contains("enc:v1:")
          .doesNotContain(HEADER_SECRET);
    }
    assertThat(http.get("/v1/agents/" + agentId + "?projectId=" + PROJECT).body())
        .extractingByKey("config")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("headers", Map.of("X-Api-Key", "********"));
    assertThat(batchSucceeds(http, scenarioId, agentId, modelId)).isTrue();
    assertThat(Files.exists(data.resolve("agentsim-secrets.key"))).isTrue();
    first.close();

    ConfigurableApplicationContext second = start(data);

    assertThat(batchSucceeds(http(second), scenarioId, agentId, modelId)).isTrue();
    agent.verify(
        2,
        postRequestedFor(urlEqualTo("/guarded")).withHeader("X-Api-Key", equalTo(HEADER_SECRET)));
  }

  @Test
  void aNewKeyWithTheOldOneAsPreviousSealsEverythingAnewAndPlaintextFromBeforeIsSealed()
      throws SQLException {
    Path data = dir.resolve("postgres");
    byte[] oldKey = SecretBox.newKey();
    byte[] newKey = SecretBox.newKey();
    ConfigurableApplicationContext first = start(data, "--simulator.secrets.key=" + base64(oldKey));
    Http http = http(first);
    String agentId = agent(http);
    String modelId = model(http);
    String scenarioId = scenario(http);
    String legacyId;
    try (Connection connection = connect(first)) {
      // As stored before secrets were sealed.
      legacyId =
          JdbcClient.create(new SingleConnectionDataSource(connection, true))
              .sql(
                  """
              insert into definitions (id, project_id, kind, name, body, created_at, updated_at)
              values (gen_random_uuid(), 'sealed', 'AGENT', 'legacy', :body::jsonb, now(), now()) returning id::text""")
              .param(
                  "body",
                  "{\"name\": \"legacy\", \"type\": \"http\", \"config\": {\"url\": \""
                      + agent.baseUrl()
                      + "/guarded\", \"headers\": {\"X-Api-Key\": \""
                      + HEADER_SECRET
                      + "\"}}}")
              .query(String.class)
              .single();
    }
    first.close();

    ConfigurableApplicationContext second =
        start(
            data,
            "--simulator.secrets.key=" + base64(newKey),
            "--simulator.secrets.previous-keys=" + base64(oldKey));

    SecretBox onlyNewKey = new SecretBox(newKey, List.of());
    try (Connection connection = connect(second)) {
      JdbcClient sql = JdbcClient.create(new SingleConnectionDataSource(connection, true));
      for (String id : List.of(agentId, legacyId)) {
        assertThat(
                onlyNewKey.unseal(
                    sql.sql(
                            "select body->'config'->'headers'->>'X-Api-Key' from definitions "
                                + "where id = ?::uuid")
                        .param(id)
                        .query(String.class)
                        .single()))
            .isEqualTo(HEADER_SECRET);
        List<String> revisions =
            sql.sql(
                    "select body->'config'->'headers'->>'X-Api-Key' from agent_revisions "
                        + "where agent_id = ?::uuid")
                .param(id)
                .query(String.class)
                .list();
        assertThat(revisions).as("sealing records no revision").hasSize(1);
        assertThat(onlyNewKey.unseal(revisions.get(0))).isEqualTo(HEADER_SECRET);
      }
      assertThat(
              onlyNewKey.unseal(
                  sql.sql("select body->>'apiKey' from definitions where id = ?::uuid")
                      .param(modelId)
                      .query(String.class)
                      .single()))
          .isEqualTo(MODEL_KEY);
    }
    assertThat(batchSucceeds(http(second), scenarioId, legacyId, modelId)).isTrue();
  }

  @Test
  void theEmbeddedDatabaseRefusesAConnectionWithoutItsPasswordEvenOnADirectoryMadeBeforeIt()
      throws Exception {
    Path data = dir.resolve("postgres");
    // A directory as earlier versions left it: zonky's initdb, trusting every local connection, no
    // password.
    try (EmbeddedPostgres before =
            EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        Connection trusted = before.getPostgresDatabase().getConnection()) {
      trusted.createStatement().execute("create schema earlier");
      trusted.createStatement().execute("create table earlier.kept (note text)");
      trusted.createStatement().execute("insert into earlier.kept values ('still here')");
    }

    ConfigurableApplicationContext app = start(data);

    int port = app.getBean(RunningPostgres.class).server().getPort();
    String url = "jdbc:postgresql://localhost:" + port + "/postgres";
    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", ""))
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    try (Connection connection = connect(app)) {
      assertThat(
              JdbcClient.create(new SingleConnectionDataSource(connection, true))
                  .sql("select note from earlier.kept")
                  .query(String.class)
                  .single())
          .isEqualTo("still here");
    }
    assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
  }

  private ConfigurableApplicationContext start(Path data, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--simulator.embedded-postgres.data-directory=" + data,
                "--simulator.demo.enabled=false"));
    args.addAll(List.of(more));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(AgentSimApplication.class).run(args.toArray(String[]::new));
    started.add(context);
    return context;
  }

  private static Http http(ConfigurableApplicationContext context) {
    return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
  }

  /** As the operator would, with the password kept in the data directory. */
  private static Connection connect(ConfigurableApplicationContext context) throws SQLException {
    String dataDirectory =
        context.getEnvironment().getProperty("simulator.embedded-postgres.data-directory");
    String password;
    try {
      password =
          Files.readString(Path.of(dataDirectory, "agentsim-db.password"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    int port = context.getBean(RunningPostgres.class).server().getPort();
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", password);
  }

  private String agent(Http http) {
    return created(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "guarded",
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    agent.baseUrl() + "/guarded",
                    "timeoutMs",
                    5_000,
                    "headers",
                    Map.of("X-Api-Key", HEADER_SECRET)))));
  }

  private String model(Http http) {
    return created(
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "keyed",
                "provider",
                "openai",
                "baseUrl",
                agent.baseUrl() + "/v1",
                "model",
                "none",
                "apiKey",
                MODEL_KEY)));
  }

  private static String scenario(Http http) {
    return created(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name",
                "Say hello",
                "persona",
                Map.of("name", "Sam", "description", "Back again"),
                "mission",
                "Say hello",
                "maxTurns",
                1,
                "script",
                List.of("Hello"),
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "Welcome"))))));
  }

  /** One scripted run against the guarded agent: it succeeds only if the agent got its header. */
  private static boolean batchSucceeds(
      Http http, String scenarioId, String agentId, String modelId) {
    Http.Response scheduled =
        http.post(
            "/simulations/" + scenarioId + "/schedule?projectId=" + PROJECT,
            Map.of(
                "projectReference",
                PROJECT,
                "name",
                "sealed",
                "numberOfExecutions",
                1,
                "runConfig",
                Map.of(
                    "flowReferenceId",
                    agentId,
                    "entrypoint",
                    "main",
                    "largeLanguageModelReferenceId",
                    modelId)));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String path =
        "/simulations/"
            + scenarioId
            + "/batches/"
            + scheduled.body().get("id")
            + "?projectId="
            + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "completed".equals(http.get(path).body().get("status")));
    Map<String, Object> batch = http.get(path).body();
    assertThat(batch).as("%s", batch).containsEntry("completedRuns", 1);
    return Integer.valueOf(1).equals(batch.get("succeededRuns"));
  }

  private static String created(Http.Response response) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(201);
    return (String) response.body().get("id");
  }

  private static String base64(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }
}
