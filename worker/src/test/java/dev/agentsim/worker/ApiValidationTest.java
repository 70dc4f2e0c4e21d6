package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bad input gets a clear error naming the field, in each API's own error style, and creates
 * nothing.
 */
class ApiValidationTest extends EmbeddedAppTest {

  @Autowired DefinitionRepository definitions;

  @Test
  void scheduleRejectsBadBodiesNamingTheField() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());

    Map<String, Object> noExecutions = scheduleBody(agent, model, 1, Map.of());
    noExecutions.remove("numberOfExecutions");
    assertValidation(schedule(scenario, noExecutions), "numberOfExecutions", "REQUIRED");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 0, Map.of())),
        "numberOfExecutions",
        "OUT_OF_RANGE");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("numberOfExecutions", "five"))),
        "numberOfExecutions",
        "INVALID_TYPE");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("concurrency", 0))),
        "concurrency",
        "OUT_OF_RANGE");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("stopOnFailure", "yes"))),
        "stopOnFailure",
        "INVALID_TYPE");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("projectReference", "other"))),
        "projectReference",
        "MISMATCH");
    assertValidation(
        schedule(
            scenario,
            scheduleBody(
                agent,
                model,
                1,
                Map.of(
                    "runConfig",
                    Map.of("entrypoint", "main", "largeLanguageModelReferenceId", model)))),
        "runConfig.flowReferenceId",
        "REQUIRED");
    assertValidation(
        http.post("/simulations/" + scenario + "/schedule?projectId=" + PROJECT, "{not json"),
        "body",
        "INVALID_JSON");
    assertValidation(
        http.post(
            "/simulations/" + scenario + "/schedule", scheduleBody(agent, model, 1, Map.of())),
        "projectId",
        "REQUIRED");
  }

  /** 1 to 10,000 messages per run, the bound Interactly's {@code max_events} shares. */
  @Test
  @SuppressWarnings("unchecked")
  void maxEventsIsAcceptedFromOneToTenThousandAndRejectedOutsideNamingTheField() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of("maxTurns", 1));

    for (Object bad : List.of(10_001, 0, -1, 1L << 40)) {
      Http.Response response =
          schedule(scenario, scheduleBody(agent, model, 1, Map.of("maxEvents", bad)));
      assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
      assertThat(response.body())
          .containsOnlyKeys("error", "field", "code", "traceId")
          .containsEntry("error", "maxEvents must be between 1 and 10000")
          .containsEntry("field", "maxEvents")
          .containsEntry("code", "OUT_OF_RANGE");
      CognigySchema.assertValidationError(response.body(), "maxEvents");
    }
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("maxEvents", "many"))),
        "maxEvents",
        "INVALID_TYPE");
    assertValidation(
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("maxEvents", 500.5))),
        "maxEvents",
        "INVALID_TYPE");

    Http.Response atBound =
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("maxEvents", 10_000)));
    assertThat(atBound.status()).as("%s", atBound.body()).isEqualTo(201);
    String batch = (String) atBound.body().get("id");
    awaitBatch(scenario, batch, "completed");
    assertThat(
            http.get(
                    "/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
                .list("data"))
        .singleElement()
        .satisfies(run -> assertThat(run).containsEntry("terminationReason", "MAX_TURNS"));

    Http.Response atLeast =
        schedule(scenario, scheduleBody(agent, model, 1, Map.of("maxEvents", 1)));
    assertThat(atLeast.status()).as("%s", atLeast.body()).isEqualTo(201);
    String minimal = (String) atLeast.body().get("id");
    awaitBatch(scenario, minimal, "completed");
    assertThat(
            http.get(
                    "/simulations/"
                        + scenario
                        + "/batches/"
                        + minimal
                        + "/runs?projectId="
                        + PROJECT)
                .list("data"))
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run).containsEntry("terminationReason", "MAX_EVENTS");
              assertThat((List<Object>) run.get("turns")).hasSize(1);
            });
  }

  /**
   * A scenario's maxTurns is 1 to 200 in the scenario API; a run never gets more turns than it may
   * have messages.
   */
  @Test
  void scenarioMaxTurnsIsBoundedAndARunNeverHasMoreTurnsThanMessages() {
    assertThat(
            http.post(
                    "/v1/scenarios?projectId=" + PROJECT,
                    Map.of(
                        "name",
                        "s",
                        "persona",
                        Map.of("name", "p"),
                        "mission",
                        "m",
                        "maxTurns",
                        200))
                .status())
        .isEqualTo(201);
    for (int bad : List.of(201, 0)) {
      Http.Response response =
          http.post(
              "/v1/scenarios?projectId=" + PROJECT,
              Map.of("name", "s", "persona", Map.of("name", "p"), "mission", "m", "maxTurns", bad));
      assertProblem(response, "maxTurns");
      assertThat(response.body())
          .containsEntry("code", "INVALID")
          .containsEntry(
              "detail",
              bad > 200
                  ? "maxTurns must be less than or equal to 200"
                  : "maxTurns must be greater than or equal to 1");
    }

    // A scenario stored past the scenario API (as Interactly's implicit ones are) is held to the
    // messages bound.
    String agent = createAgent("/agent");
    String model = createModel();
    String tooLong =
        definitions
            .insert(
                PROJECT,
                Kind.SCENARIO,
                new ScenarioSpec(
                    "too long",
                    new ScenarioSpec.Persona("p", null),
                    "m",
                    List.of(),
                    10_001,
                    "user",
                    null))
            .id()
            .toString();
    Http.Response refused = schedule(tooLong, scheduleBody(agent, model, 1, Map.of()));
    assertValidation(refused, "maxTurns", "OUT_OF_RANGE");
    assertThat(refused.body())
        .containsEntry("error", "The scenario's maxTurns must be between 1 and 10000, it is 10001");
  }

  @Test
  void scheduleAnswers404ForUnknownReferencesAndCreatesNothing() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());
    String unknown = "6f1c1bde-0000-4000-8000-000000000000";

    for (Http.Response response :
        List.of(
            schedule(unknown, scheduleBody(agent, model, 1, Map.of())),
            schedule("not-a-uuid", scheduleBody(agent, model, 1, Map.of())),
            schedule(scenario, scheduleBody(unknown, model, 1, Map.of())),
            schedule(scenario, scheduleBody(agent, unknown, 1, Map.of())))) {
      assertThat(response.status()).isEqualTo(404);
      CognigySchema.assertError(response.body());
      assertThat(response.body()).containsEntry("code", "NOT_FOUND");
    }
    // A scenario of another project is unknown here too.
    assertThat(
            http.post(
                    "/simulations/" + scenario + "/schedule?projectId=elsewhere",
                    scheduleBody(agent, model, 1, Map.of("projectReference", "elsewhere")))
                .status())
        .isEqualTo(404);
    Http.Response runs =
        http.get("/simulations/" + scenario + "/batches/" + unknown + "/runs?projectId=" + PROJECT);
    assertThat(runs.status()).isEqualTo(404);
    CognigySchema.assertError(runs.body());
  }

  @Test
  void runListingRejectsBadPagingParameters() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of("maxTurns", 1));
    String batch =
        (String) schedule(scenario, scheduleBody(agent, model, 1, Map.of())).body().get("id");
    String runs = "/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT;

    assertValidation(http.get(runs + "&limit=0"), "limit", "OUT_OF_RANGE");
    assertValidation(http.get(runs + "&limit=101"), "limit", "OUT_OF_RANGE");
    assertValidation(http.get(runs + "&skip=-1"), "skip", "OUT_OF_RANGE");
    assertValidation(http.get(runs + "&sort=name:up"), "sort", "INVALID_VALUE");
    assertValidation(http.get(runs + "&next=garbage"), "next", "INVALID_CURSOR");
    assertValidation(http.get(runs + "&filter=status:MAYBE"), "filter", "INVALID_VALUE");
    awaitBatch(scenario, batch, "completed");
  }

  @Test
  void nativeApiManagesObjectsAndNeverReturnsSecrets() {
    Http.Response created =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "located",
                "type",
                "http",
                "config",
                Map.of("url", "http://localhost/agent")));
    assertThat(http.get(created.location()).body()).isEqualTo(created.body());

    String agent = createAgent("/agent");
    Http.Response read = http.get("/v1/agents/" + agent + "?projectId=" + PROJECT);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.toString()).doesNotContain("agent-secret");
    assertThat(read.object("config").get("headers")).isEqualTo(Map.of("Authorization", "********"));

    String model = createModel();
    Http.Response modelRead = http.get("/v1/models/" + model + "?projectId=" + PROJECT);
    assertThat(modelRead.body()).doesNotContainKey("apiKey").containsEntry("model", "fake-model");
    Http.Response renamed =
        http.put(
            "/v1/models/" + model + "?projectId=" + PROJECT,
            Map.of("name", "renamed", "provider", "openai", "model", "fake-model-2"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.body()).containsEntry("name", "renamed").doesNotContainKey("apiKey");

    assertThat(http.get("/v1/agents?projectId=" + PROJECT + "&limit=1").list("data")).hasSize(1);
    assertThat(http.get("/v1/agents/" + agent + "?projectId=elsewhere").status()).isEqualTo(404);
    assertThat(http.delete("/v1/agents/" + agent + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
    Http.Response gone = http.get("/v1/agents/" + agent + "?projectId=" + PROJECT);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.contentType()).startsWith("application/problem+json");
    assertThat(gone.body()).containsKey("traceId");
  }

  @Test
  void nativeApiRejectsInvalidBodiesWithProblemDetails() {
    Map<String, Object> agent =
        new HashMap<>(Map.of("name", "no url", "type", "http", "config", Map.of()));
    assertProblem(http.post("/v1/agents?projectId=" + PROJECT, agent), "config.url");
    agent.put("type", "carrier-pigeon");
    agent.put("config", Map.of("url", "http://localhost/agent"));
    assertProblem(http.post("/v1/agents?projectId=" + PROJECT, agent), "type");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name",
                "s",
                "persona",
                Map.of("name", "p"),
                "mission",
                "m",
                "successCriteria",
                List.of(Map.of("type", "telepathy")))),
        "successCriteria[0].type");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name", "s", "persona", Map.of("name", "p"), "mission", "m", "maxTurns", "many")),
        "maxTurns");
    assertProblem(
        http.post("/v1/models?projectId=" + PROJECT, Map.of("name", "m", "provider", "openai")),
        "model");
    assertProblem(
        http.post("/v1/models", Map.of("name", "m", "provider", "openai", "model", "x")),
        "projectId");
    assertProblem(http.get("/v1/models/not-a-uuid?projectId=" + PROJECT), "id");
  }

  /**
   * A value in the sealed form is refused from a client, and the URL is still checked against the
   * outbound policy (embedded mode allows loopback only); a masked header sent back on update keeps
   * the sealed value stored.
   */
  @Test
  void sealedValuesFromAClientAreRefusedBesideTheOutboundPolicy() {
    String sealed = "enc:v1:0011aabb:AAAA";
    Map<String, Object> model =
        new HashMap<>(
            Map.of(
                "name",
                "m",
                "provider",
                "openai",
                "model",
                "x",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "apiKey",
                sealed));
    assertProblem(http.post("/v1/models?projectId=" + PROJECT, model), "apiKey", "INVALID_VALUE");
    model.put("apiKey", "sk-plain");
    model.put("baseUrl", "http://10.0.0.7/v1");
    assertProblem(http.post("/v1/models?projectId=" + PROJECT, model), "baseUrl", "NOT_ALLOWED");
    assertProblem(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "a",
                "type",
                "http",
                "config",
                Map.of("url", fakes.baseUrl() + "/agent", "headers", Map.of("X-Api-Key", sealed)))),
        "config.headers.X-Api-Key",
        "INVALID_VALUE");

    Http.Response created =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "a",
                "type",
                "http",
                "config",
                Map.of(
                    "url", fakes.baseUrl() + "/agent", "headers", Map.of("X-Api-Key", "s3cret"))));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    Http.Response updated =
        http.put(
            "/v1/agents/" + created.body().get("id") + "?projectId=" + PROJECT,
            Map.of(
                "name",
                "renamed",
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    fakes.baseUrl() + "/agent",
                    "headers",
                    Map.of("X-Api-Key", "********"))));
    assertThat(updated.status()).as("%s", updated.body()).isEqualTo(200);
  }

  private static void assertProblem(Http.Response response, String field, String code) {
    assertProblem(response, field);
    assertThat(response.body()).containsEntry("code", code);
  }

  private static void assertValidation(Http.Response response, String field, String code) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    CognigySchema.assertValidationError(response.body(), field);
    assertThat(response.body()).containsEntry("code", code);
  }

  private static void assertProblem(Http.Response response, String field) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body())
        .containsEntry("field", field)
        .containsKey("traceId")
        .containsKey("detail");
  }
}
