package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a newcomer tries first, taken as the README writes it: agent configs as pasted, costs as
 * printed.
 */
class FirstUseEndToEndTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  @SuppressWarnings("unchecked")
  void anHttpAgentsRequestTemplateMayBeAJsonObject() {
    fakes.stubFor(
        post(urlEqualTo("/templated-agent"))
            .willReturn(
                okJson(
                    """
        {"text": "Your order is confirmed, order number 7.", "ended": false}""")));
    Map<String, Object> template =
        Map.of(
            "message",
            Map.of("body", "{{text}}", "greeting", "Hello {{userId}}"),
            "turnNo",
            "{{turn}}",
            "context",
            "{{data}}",
            "channel",
            "chat");
    Http.Response agent =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "templated",
                "type",
                "http",
                "config",
                Map.of("url", fakes.baseUrl() + "/templated-agent", "requestTemplate", template)));
    assertThat(agent.status()).as("%s", agent.body()).isEqualTo(201);
    assertThat((Map<String, Object>) agent.body().get("config"))
        .containsEntry("requestTemplate", template);
    String scenario =
        createScenario(
            Map.of(
                "maxTurns",
                1,
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed")))));

    String batch =
        (String)
            schedule(
                    scenario,
                    scheduleBody((String) agent.body().get("id"), createModel(), 1, Map.of()))
                .body()
                .get("id");

    awaitBatch(scenario, batch, "completed");
    List<LoggedRequest> requests = fakes.findAll(postRequestedFor(urlEqualTo("/templated-agent")));
    assertThat(requests).isNotEmpty();
    Map<String, Object> body =
        JSON.readValue(requests.get(0).getBodyAsString(), new TypeReference<>() {});
    assertThat(body)
        .containsEntry("channel", "chat")
        .containsEntry("context", Map.of("tier", "gold"));
    assertThat(body.get("turnNo")).isInstanceOf(Integer.class);
    assertThat((Map<String, Object>) body.get("message"))
        .containsEntry("body", "I would like a large pizza margherita, please.")
        .containsEntry("greeting", "Hello tester");
  }

  @Test
  void requestTemplateProblemsAreRefusedOnSaveNamingTheConfigField() {
    String url = fakes.baseUrl() + "/agent";
    assertThat(badAgent(Map.of("url", url, "requestTemplate", 42)))
        .containsEntry("field", "config.requestTemplate")
        .containsEntry("code", "INVALID_TYPE");
    assertThat(badAgent(Map.of("url", url, "requestTemplate", Map.of("message", "{{txt}}"))))
        .containsEntry("field", "config.requestTemplate")
        .containsEntry("code", "INVALID_VALUE")
        .hasEntrySatisfying("detail", detail -> assertThat((String) detail).contains("{{txt}}"));
    assertThat(
            badAgent(
                Map.of(
                    "url",
                    url,
                    "requestTemplate",
                    "{\"message\": {{text}}, \"who\": \"{{ user }}\"}")))
        .containsEntry("field", "config.requestTemplate")
        .hasEntrySatisfying("detail", detail -> assertThat((String) detail).contains("{{user}}"));
    assertThat(badAgent(Map.of("url", url, "timeoutMs", "soon")))
        .containsEntry("field", "config.timeoutMs");
    assertThat(badAgent(Map.of("url", url, "replyTextPath", "$[")))
        .containsEntry("field", "config.replyTextPath");
    Http.Response badPath =
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
                List.of(
                    Map.of("type", "json_path", "params", Map.of("path", "$[", "exists", true)))));
    assertThat(badPath.status()).isEqualTo(400);
    assertThat(badPath.body()).containsEntry("field", "successCriteria[0].params.path");

    Http.Response asString =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "a",
                "type",
                "http",
                "config",
                Map.of(
                    "url", url, "requestTemplate", "{\"message\": {{text}}, \"turn\": {{turn}}}")));
    assertThat(asString.status()).as("%s", asString.body()).isEqualTo(201);
  }

  @Test
  @SuppressWarnings("unchecked")
  void anOpenAiChatAgentTakesToolsInOpenAisOwnShape() {
    String model = createModel();
    Map<String, Object> tool =
        Map.of(
            "type",
            "function",
            "function",
            Map.of(
                "name",
                "place_order",
                "description",
                "Places a pizza order",
                "parameters",
                Map.of("type", "object", "properties", Map.of("pizza", Map.of("type", "string")))));
    Http.Response agent =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "PizzaBot",
                "type",
                "openai-chat",
                "config",
                Map.of(
                    "modelId",
                    model,
                    "systemPrompt",
                    "You are PizzaBot.",
                    "tools",
                    List.of(tool))));
    assertThat(agent.status()).as("%s", agent.body()).isEqualTo(201);
    assertThat(
            (List<Map<String, Object>>)
                ((Map<String, Object>) agent.body().get("config")).get("tools"))
        .singleElement()
        .satisfies(stored -> assertThat(stored).containsEntry("name", "place_order"));
    String scenario =
        createScenario(
            Map.of(
                "maxTurns",
                1,
                "successCriteria",
                List.of(Map.of("type", "max_turns", "params", Map.of("max", 1)))));

    String batch =
        (String)
            schedule(scenario, scheduleBody((String) agent.body().get("id"), model, 1, Map.of()))
                .body()
                .get("id");

    awaitBatch(scenario, batch, "completed");
    fakes.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("place_order")))
            .withRequestBody(
                matchingJsonPath(
                    "$.tools[0].function.parameters.properties.pizza.type", equalTo("string"))));

    Map<String, Object> noFunction =
        Map.of(
            "modelId", model, "systemPrompt", "Hi", "tools", List.of(Map.of("type", "function")));
    Http.Response refused =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of("name", "a", "type", "openai-chat", "config", noFunction));
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.body()).containsEntry("field", "config.tools[0]");
  }

  /**
   * 42 prompt and 12 completion tokens a call at 0.15 and 1.20 a million: 0.0000207 a call, whose
   * sums over the roles binary floating point cannot hold exactly.
   */
  @Test
  @SuppressWarnings("unchecked")
  void costsAreExactDecimals() {
    Http.Response model =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "priced LLM",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "model",
                "fake-model",
                "apiKey",
                "sk-test-secret",
                "inputPricePerMillion",
                0.15,
                "outputPricePerMillion",
                1.20));
    assertThat(model.status()).as("%s", model.body()).isEqualTo(201);
    String scenario = createScenario(Map.of());

    String batch =
        (String)
            schedule(
                    scenario,
                    scheduleBody(
                        createAgent("/agent"), (String) model.body().get("id"), 2, Map.of()))
                .body()
                .get("id");

    awaitBatch(scenario, batch, "completed");
    Map<String, Object> cognigy =
        http.get("/simulations/" + scenario + "/batches/" + batch + "?projectId=" + PROJECT).body();
    assertExactCosts((Map<String, Map<String, Object>>) cognigy.get("usage"));
    Map<String, Object> nativeView =
        http.get("/v1/batches/" + batch + "?projectId=" + PROJECT).body();
    assertExactCosts((Map<String, Map<String, Object>>) nativeView.get("usage"));
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    assertExactCosts(
        (Map<String, Map<String, Object>>) ((Map<String, Object>) run.get("metrics")).get("usage"));
  }

  /**
   * A persona as counterpart with no {@code model_id}, as the README's example writes it: the
   * team's only model plays it. The scenario made for the simulation stays out of the team's list.
   */
  @Test
  void anInteractlyPersonaCounterpartIsPlayedByTheTeamsOnlyModelAndItsScenarioIsNotListed() {
    String team = "solo-" + UUID.randomUUID();
    String agent =
        (String)
            http.post(
                    "/v1/agents?projectId=" + team,
                    Map.of(
                        "name",
                        "bot",
                        "type",
                        "http",
                        "config",
                        Map.of("url", fakes.baseUrl() + "/agent")))
                .body()
                .get("id");
    String model =
        (String)
            http.post(
                    "/v1/models?projectId=" + team,
                    Map.of(
                        "name",
                        "fake LLM",
                        "provider",
                        "openai",
                        "baseUrl",
                        fakes.baseUrl() + "/v1",
                        "model",
                        "fake-model",
                        "apiKey",
                        "sk-test"))
                .body()
                .get("id");
    String persona =
        (String)
            http.post("/v1/personas?projectId=" + team, Map.of("name", "Sam")).body().get("id");
    String own =
        (String)
            http.post(
                    "/v1/scenarios?projectId=" + team,
                    Map.of("name", "own", "personaId", persona, "mission", "Order a pizza"))
                .body()
                .get("id");

    Http.Response created =
        http.post(
            "/workflows/v1/simulations?team_id=" + team,
            Map.of(
                "description",
                "Order a large pizza margherita",
                "max_events",
                2,
                "selected_workflow",
                Map.of("workflow_id", agent),
                "counter_workflow",
                Map.of("workflow_id", persona)));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
    Map<String, Object> simulation = created.object("simulation");
    assertThat(simulation.get("simulation_config"))
        .asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsEntry("model_id", model);
    String implicit = (String) simulation.get("scenario_id");
    assertThat(http.get("/v1/scenarios?projectId=" + team).list("data"))
        .extracting(s -> s.get("id"))
        .containsExactly(own);
    assertThat(http.get("/v1/scenarios/" + implicit + "?projectId=" + team).status())
        .isEqualTo(200);

    http.post(
        "/v1/models?projectId=" + team,
        Map.of(
            "name",
            "second",
            "provider",
            "openai",
            "baseUrl",
            fakes.baseUrl() + "/v1",
            "model",
            "fake-model",
            "apiKey",
            "sk-test"));
    Http.Response ambiguous =
        http.post(
            "/workflows/v1/simulations?team_id=" + team,
            Map.of(
                "selected_workflow",
                Map.of("workflow_id", agent),
                "counter_workflow",
                Map.of("workflow_id", persona)));
    assertThat(ambiguous.status()).isEqualTo(422);
    assertThat(ambiguous.list("detail"))
        .singleElement()
        .satisfies(
            detail ->
                assertThat(detail)
                    .containsEntry("loc", List.of("body", "model_id"))
                    .containsEntry("type", "missing"));
  }

  /**
   * A run with nothing to check reads SUCCESS, as Cognigy's status has no other value for it; its
   * summary says so.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aRunWithoutCriteriaSaysNothingWasChecked() {
    String scenario =
        createScenario(
            Map.of(
                "successCriteria",
                List.of(),
                "maxTurns",
                1,
                "script",
                List.of("I would like a pizza.")));

    String batch =
        (String)
            schedule(scenario, scheduleBody(createAgent("/agent"), createModel(), 1, Map.of()))
                .body()
                .get("id");

    awaitBatch(scenario, batch, "completed");
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
    assertThat(metrics).containsEntry("status", "SUCCESS");
    assertThat((String) metrics.get("summary"))
        .contains("no success criteria")
        .doesNotContain("0 of 0");
  }

  private static void assertExactCosts(Map<String, Map<String, Object>> usage) {
    assertThat(usage).containsKeys("user", "judge", "summary", "total");
    usage.forEach(
        (role, tokens) -> {
          BigDecimal expected =
              new BigDecimal("0.0000207").multiply(new BigDecimal(tokens.get("calls").toString()));
          assertThat(new BigDecimal(tokens.get("cost").toString()))
              .as("%s cost", role)
              .isEqualByComparingTo(expected);
        });
  }

  private Map<String, Object> badAgent(Map<String, Object> config) {
    Map<String, Object> body = new HashMap<>(Map.of("name", "a", "type", "http", "config", config));
    Http.Response response = http.post("/v1/agents?projectId=" + PROJECT, body);
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    return response.body();
  }
}
