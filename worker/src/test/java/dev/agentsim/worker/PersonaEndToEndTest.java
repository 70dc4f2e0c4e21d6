package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.worker.demo.DemoSeeder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personas end to end: managed through the native API, named by a scenario, filled with the
 * scenario's and the batch's dynamic variables, and played by the LLM (WireMock) until it signals
 * that its mission is done. The demo model points at the fake LLM here, so the demo runs with an
 * LLM persona.
 */
class PersonaEndToEndTest extends EmbeddedAppTest {

  private static final String CHAT = "/v1/chat/completions";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void demoModel(DynamicPropertyRegistry registry) {
    registry.add("simulator.llm.base-url", () -> fakes.baseUrl() + "/v1");
    registry.add("simulator.llm.api-key", () -> "sk-demo");
  }

  @Autowired JdbcClient jdbc;

  private String createPersona(String project, Map<String, Object> persona) {
    Http.Response created = http.post("/v1/personas?projectId=" + project, persona);
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  private static Map<String, Object> quokka() {
    return Map.of(
        "name", "Quokka {{surname}}",
        "description", "Orders pizza every Friday",
        "traits", Map.of("patience", "{{patience}}", "tone", "cheerful"),
        "language", "English",
        "knownInfo", Map.of("customerNumber", "{{customer}}", "address", "12 {{street}}"),
        "style", "Short sentences, lots of exclamation marks");
  }

  /** The system prompts of the simulated user's LLM calls (not the judge's). */
  @SuppressWarnings("unchecked")
  private static List<String> userSystemPrompts() {
    return fakes.findAll(postRequestedFor(urlEqualTo(CHAT))).stream()
        .map(LoggedRequest::getBodyAsString)
        .map(body -> JSON.readValue(body, new TypeReference<Map<String, Object>>() {}))
        .map(
            body ->
                (String) ((List<Map<String, Object>>) body.get("messages")).get(0).get("content"))
        .filter(system -> system.contains("You are role-playing a human user"))
        .toList();
  }

  @Test
  @SuppressWarnings("unchecked")
  void scenarioWithAStoredPersonaAndBatchVariablesRunsUntilTheUserIsDone() {
    // Once the agent has confirmed, the simulated user says goodbye with the DONE signal.
    fakes.stubFor(
        post(urlEqualTo(CHAT))
            .atPriority(2)
            .withRequestBody(containing("Quokka"))
            .withRequestBody(containing("Your order is confirmed"))
            .withRequestBody(containing("###STOP###"))
            .willReturn(okJson(chatCompletion("Perfect, thanks! ###STOP###"))));
    String agent = createAgent("/agent");
    String model = createModel();
    String persona = createPersona(PROJECT, quokka());
    Map<String, Object> withPersonaId =
        new HashMap<>(
            Map.of(
                "personaId",
                persona,
                "mission",
                "Order a large pizza margherita to {{street}} and get an order number",
                "dynamicVariables",
                Map.of(
                    "surname",
                    "Smith",
                    "patience",
                    "high",
                    "customer",
                    "C-100",
                    "street",
                    "Elm Street"),
                "successCriteria",
                List.of(
                    Map.of("type", "contains", "params", Map.of("value", "confirmed")),
                    Map.of("type", "conversation_ended", "params", Map.of()))));
    withPersonaId.put("persona", null);
    String scenario = createScenario(withPersonaId);

    Http.Response scheduled =
        schedule(
            scenario,
            scheduleBody(
                agent,
                model,
                2,
                Map.of("dynamicVariables", Map.of("customer", "C-200", "patience", "low"))));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String batch = (String) scheduled.body().get("id");

    Map<String, Object> finished = awaitBatch(scenario, batch, "completed");
    assertThat(finished).containsEntry("completedRuns", 2).containsEntry("failedRuns", 0);
    List<Map<String, Object>> runs =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data");
    assertThat(runs)
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(run)
                  .containsEntry("terminationReason", "USER_STOP")
                  .containsEntry("totalTurns", 3);
              assertThat((Map<String, Object>) run.get("metrics"))
                  .containsEntry("status", "SUCCESS");
              List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
              assertThat(turns.get(2).get("text")).isEqualTo("Perfect, thanks!");
              assertThat(
                      jdbc.sql(
                              "select user_prompt_version, user_end_signal from runs where id = :id")
                          .param("id", UUID.fromString((String) run.get("id")))
                          .query()
                          .singleRow())
                  .containsEntry("user_prompt_version", "user-v2")
                  .containsEntry("user_end_signal", "DONE");
            });

    List<String> prompts = userSystemPrompts();
    assertThat(prompts)
        .hasSize(4)
        .allSatisfy(
            prompt ->
                assertThat(prompt)
                    .contains(
                        "Quokka Smith",
                        "Orders pizza every Friday",
                        "patience: low",
                        "tone: cheerful",
                        "English",
                        "Short sentences, lots of exclamation marks",
                        "Order a large pizza margherita to Elm Street and get an order number",
                        "customerNumber: C-200",
                        "address: 12 Elm Street",
                        "###STOP###")
                    .doesNotContain("C-100", "patience: high", "{{"));
  }

  @Test
  void personasAreManagedThroughTheNativeApi() {
    Http.Response created = http.post("/v1/personas?projectId=" + PROJECT, quokka());
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body())
        .containsEntry("name", "Quokka {{surname}}")
        .containsEntry("language", "English")
        .containsEntry(
            "knownInfo", Map.of("customerNumber", "{{customer}}", "address", "12 {{street}}"));
    String id = (String) created.body().get("id");
    assertThat(http.get(created.location()).body()).isEqualTo(created.body());
    assertThat(http.get("/v1/personas?projectId=" + PROJECT + "&limit=100").list("data"))
        .extracting(persona -> persona.get("id"))
        .contains(id);
    assertThat(http.get("/v1/personas/" + id + "?projectId=elsewhere").status()).isEqualTo(404);

    Http.Response updated =
        http.put(
            "/v1/personas/" + id + "?projectId=" + PROJECT,
            Map.of("name", "Quokka", "traits", Map.of("patience", "none")));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body())
        .containsEntry("name", "Quokka")
        .containsEntry("traits", Map.of("patience", "none"))
        .doesNotContainKey("language");

    assertThat(http.delete("/v1/personas/" + id + "?projectId=" + PROJECT).status()).isEqualTo(204);
    assertThat(http.get("/v1/personas/" + id + "?projectId=" + PROJECT).status()).isEqualTo(404);
  }

  @Test
  void badPersonasAndPersonaReferencesAreRejectedNamingTheField() {
    assertProblem(
        http.post("/v1/personas?projectId=" + PROJECT, Map.of("description", "nameless")), "name");
    assertProblem(
        http.post(
            "/v1/personas?projectId=" + PROJECT,
            Map.of("name", "x", "knownInfo", Map.of("orderNumber", Map.of("nested", true)))),
        "knownInfo.orderNumber");

    String persona = createPersona(PROJECT, quokka());
    String foreign = createPersona("other-project", quokka());
    Map<String, Object> scenario = Map.of("name", "s", "mission", "m");
    assertProblem(http.post("/v1/scenarios?projectId=" + PROJECT, scenario), "persona");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            with(scenario, Map.of("persona", Map.of("name", "p"), "personaId", persona))),
        "personaId");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT, with(scenario, Map.of("personaId", foreign))),
        "personaId");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            with(scenario, Map.of("personaId", persona, "minTurns", 5, "maxTurns", 3))),
        "minTurns");
    assertProblem(
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            with(
                scenario,
                Map.of("personaId", persona, "firstMessage", "hi", "script", List.of("hello")))),
        "firstMessage");

    Http.Response valid =
        http.post(
            "/v1/scenarios?projectId=" + PROJECT, with(scenario, Map.of("personaId", persona)));
    assertThat(valid.status()).isEqualTo(201);
    String scenarioId = (String) valid.body().get("id");
    assertProblem(
        http.put(
            "/v1/scenarios/" + scenarioId + "?projectId=" + PROJECT,
            with(scenario, Map.of("personaId", foreign))),
        "personaId");

    String agent = createAgent("/agent");
    String model = createModel();
    Http.Response badVariables =
        schedule(
            scenarioId,
            scheduleBody(agent, model, 1, Map.of("dynamicVariables", Map.of("customer", 42))));
    assertThat(badVariables.status()).isEqualTo(400);
    CognigySchema.assertValidationError(badVariables.body(), "dynamicVariables.customer");
    assertThat(badVariables.body()).containsEntry("code", "INVALID_TYPE");

    // A scenario whose persona was deleted cannot be scheduled: every run would fail.
    http.delete("/v1/personas/" + persona + "?projectId=" + PROJECT);
    Http.Response orphan = schedule(scenarioId, scheduleBody(agent, model, 1, Map.of()));
    assertThat(orphan.status()).isEqualTo(404);
    assertThat(orphan.body().get("error").toString()).contains("Persona " + persona);
  }

  @Test
  void theDemoRunsWithAnLlmPersona() {
    // The fake LLM answers the demo agent's offers as the demo persona would.
    fakes.stubFor(
        post(urlEqualTo(CHAT))
            .atPriority(2)
            .withRequestBody(containing("DEMO-4242"))
            .willReturn(okJson(chatCompletion("Thanks, bye! ###STOP###"))));
    fakes.stubFor(
        post(urlEqualTo(CHAT))
            .atPriority(3)
            .withRequestBody(containing("Shall I book it?"))
            .willReturn(okJson(chatCompletion("Yes, book it."))));
    fakes.stubFor(
        post(urlEqualTo(CHAT))
            .atPriority(4)
            .withRequestBody(containing("Book a flight to Lisbon for tomorrow"))
            .willReturn(okJson(chatCompletion("A flight to Lisbon for tomorrow."))));
    String scenario = DemoSeeder.SCENARIO.toString();
    Http.Response scheduled =
        http.post(
            "/simulations/" + scenario + "/schedule?projectId=demo",
            Map.of(
                "projectReference",
                "demo",
                "name",
                "demo with an LLM",
                "numberOfExecutions",
                2,
                "runConfig",
                Map.of(
                    "flowReferenceId",
                    DemoSeeder.AGENT.toString(),
                    "entrypoint",
                    "demo",
                    "largeLanguageModelReferenceId",
                    DemoSeeder.MODEL.toString())));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String path = "/simulations/" + scenario + "/batches/" + scheduled.body().get("id");

    awaitCompleted("demo", path);
    List<Map<String, Object>> runs = http.get(path + "/runs?projectId=demo").list("data");
    assertThat(runs)
        .hasSize(2)
        .allSatisfy(
            run ->
                assertThat(run)
                    .containsEntry("terminationReason", "USER_STOP")
                    .containsEntry("totalTurns", 5));
    assertThat(http.get(path + "/runs?projectId=demo&filter=SUCCESS").object("pagination"))
        .containsEntry("total", 2);
    assertThat(userSystemPrompts())
        .isNotEmpty()
        .allSatisfy(
            prompt ->
                assertThat(prompt).contains("Alex", "patience: low", "fullName: Alex Morgan"));
  }

  private void awaitCompleted(String project, String path) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "completed".equals(http.get(path + "?projectId=" + project).body().get("status")));
  }

  private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> more) {
    Map<String, Object> merged = new HashMap<>(base);
    merged.putAll(more);
    return merged;
  }

  private static void assertProblem(Http.Response response, String field) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).containsEntry("field", field).containsKey("detail");
  }
}
