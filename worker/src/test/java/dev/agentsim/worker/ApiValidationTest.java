package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error naming the field, in each API's own error style, and creates nothing. */
class ApiValidationTest extends EmbeddedAppTest {

  @Test
  void scheduleRejectsBadBodiesNamingTheField() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());

    Map<String, Object> noExecutions = scheduleBody(agent, model, 1, Map.of());
    noExecutions.remove("numberOfExecutions");
    assertValidation(schedule(scenario, noExecutions), "numberOfExecutions", "REQUIRED");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 0, Map.of())), "numberOfExecutions", "OUT_OF_RANGE");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 1, Map.of("numberOfExecutions", "five"))),
        "numberOfExecutions", "INVALID_TYPE");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 1, Map.of("concurrency", 0))),
        "concurrency", "OUT_OF_RANGE");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 1, Map.of("stopOnFailure", "yes"))),
        "stopOnFailure", "INVALID_TYPE");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 1, Map.of("projectReference", "other"))),
        "projectReference", "MISMATCH");
    assertValidation(schedule(scenario, scheduleBody(agent, model, 1,
        Map.of("runConfig", Map.of("entrypoint", "main", "largeLanguageModelReferenceId", model)))),
        "runConfig.flowReferenceId", "REQUIRED");
    assertValidation(http.post("/simulations/" + scenario + "/schedule?projectId=" + PROJECT, "{not json"),
        "body", "INVALID_JSON");
    assertValidation(http.post("/simulations/" + scenario + "/schedule", scheduleBody(agent, model, 1, Map.of())),
        "projectId", "REQUIRED");
  }

  @Test
  void scheduleAnswers404ForUnknownReferencesAndCreatesNothing() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());
    String unknown = "6f1c1bde-0000-4000-8000-000000000000";

    for (Http.Response response : List.of(
        schedule(unknown, scheduleBody(agent, model, 1, Map.of())),
        schedule("not-a-uuid", scheduleBody(agent, model, 1, Map.of())),
        schedule(scenario, scheduleBody(unknown, model, 1, Map.of())),
        schedule(scenario, scheduleBody(agent, unknown, 1, Map.of())))) {
      assertThat(response.status()).isEqualTo(404);
      CognigySchema.assertError(response.body());
      assertThat(response.body()).containsEntry("code", "NOT_FOUND");
    }
    // A scenario of another project is unknown here too.
    assertThat(http.post("/simulations/" + scenario + "/schedule?projectId=elsewhere",
        scheduleBody(agent, model, 1, Map.of("projectReference", "elsewhere"))).status()).isEqualTo(404);
    Http.Response runs = http.get("/simulations/" + scenario + "/batches/" + unknown + "/runs?projectId=" + PROJECT);
    assertThat(runs.status()).isEqualTo(404);
    CognigySchema.assertError(runs.body());
  }

  @Test
  void runListingRejectsBadPagingParameters() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of("maxTurns", 1));
    String batch = (String) schedule(scenario, scheduleBody(agent, model, 1, Map.of())).body().get("id");
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
    Http.Response created = http.post("/v1/agents?projectId=" + PROJECT, Map.of(
        "name", "located", "type", "http", "config", Map.of("url", "http://localhost/agent")));
    assertThat(http.get(created.location()).body()).isEqualTo(created.body());

    String agent = createAgent("/agent");
    Http.Response read = http.get("/v1/agents/" + agent + "?projectId=" + PROJECT);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.toString()).doesNotContain("agent-secret");
    assertThat(read.object("config").get("headers")).isEqualTo(Map.of("Authorization", "********"));

    String model = createModel();
    Http.Response modelRead = http.get("/v1/models/" + model + "?projectId=" + PROJECT);
    assertThat(modelRead.body()).doesNotContainKey("apiKey").containsEntry("model", "fake-model");
    Http.Response renamed = http.put("/v1/models/" + model + "?projectId=" + PROJECT, Map.of(
        "name", "renamed", "provider", "openai", "model", "fake-model-2"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.body()).containsEntry("name", "renamed").doesNotContainKey("apiKey");

    assertThat(http.get("/v1/agents?projectId=" + PROJECT + "&limit=1").list("data")).hasSize(1);
    assertThat(http.get("/v1/agents/" + agent + "?projectId=elsewhere").status()).isEqualTo(404);
    assertThat(http.delete("/v1/agents/" + agent + "?projectId=" + PROJECT).status()).isEqualTo(204);
    Http.Response gone = http.get("/v1/agents/" + agent + "?projectId=" + PROJECT);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.contentType()).startsWith("application/problem+json");
    assertThat(gone.body()).containsKey("traceId");
  }

  @Test
  void nativeApiRejectsInvalidBodiesWithProblemDetails() {
    Map<String, Object> agent = new HashMap<>(Map.of("name", "no url", "type", "http", "config", Map.of()));
    assertProblem(http.post("/v1/agents?projectId=" + PROJECT, agent), "config.url");
    agent.put("type", "carrier-pigeon");
    agent.put("config", Map.of("url", "http://localhost/agent"));
    assertProblem(http.post("/v1/agents?projectId=" + PROJECT, agent), "type");
    assertProblem(http.post("/v1/scenarios?projectId=" + PROJECT, Map.of(
        "name", "s", "persona", Map.of("name", "p"), "mission", "m",
        "successCriteria", List.of(Map.of("type", "telepathy")))), "successCriteria[0].type");
    assertProblem(http.post("/v1/scenarios?projectId=" + PROJECT, Map.of(
        "name", "s", "persona", Map.of("name", "p"), "mission", "m", "maxTurns", "many")), "maxTurns");
    assertProblem(http.post("/v1/models?projectId=" + PROJECT, Map.of("name", "m", "provider", "openai")), "model");
    assertProblem(http.post("/v1/models", Map.of("name", "m", "provider", "openai", "model", "x")), "projectId");
    assertProblem(http.get("/v1/models/not-a-uuid?projectId=" + PROJECT), "id");
  }

  private static void assertValidation(Http.Response response, String field, String code) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    CognigySchema.assertValidationError(response.body(), field);
    assertThat(response.body()).containsEntry("code", code);
  }

  private static void assertProblem(Http.Response response, String field) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).containsEntry("field", field).containsKey("traceId").containsKey("detail");
  }
}
