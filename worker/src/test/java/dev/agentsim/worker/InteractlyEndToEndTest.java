package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Interactly dialect end to end: agent against agent, agent against persona, errors, cancel,
 * list.
 */
class InteractlyEndToEndTest extends EmbeddedAppTest {

  private static final String SIMULATIONS = "/workflows/v1/simulations";
  private static final List<String> STATUSES =
      List.of("pending", "running", "completed", "failed", "cancelled");

  /** The counter agent asks for a pizza and says goodbye once the order is confirmed. */
  @BeforeEach
  void counterAgent() {
    fakes.stubFor(
        post(urlEqualTo("/counter"))
            .atPriority(5)
            .willReturn(
                okJson(
                    """
        {"text": "I would like a pizza, please.", "ended": false}""")));
    fakes.stubFor(
        post(urlEqualTo("/counter"))
            .atPriority(1)
            .withRequestBody(containing("confirmed"))
            .willReturn(
                okJson(
                    """
            {"text": ["Great,", "thanks!"], "data": {"satisfied": true}, "ended": true}""")));
  }

  private static Map<String, Object> body(
      String selected, String counter, Map<String, Object> extra) {
    Map<String, Object> body =
        new HashMap<>(
            Map.of(
                "logical_id",
                "pizza-check",
                "description",
                "Order a pizza",
                "selected_workflow",
                Map.of("workflow_id", selected, "dynamic_variables", Map.of("tier", "gold")),
                "counter_workflow",
                Map.of("workflow_id", counter, "dynamic_variables", Map.of("customer", "Ana"))));
    body.putAll(extra);
    return body;
  }

  private Http.Response create(String team, Map<String, Object> body) {
    return http.post(SIMULATIONS + "?team_id=" + team, body);
  }

  private Map<String, Object> awaitSimulation(String team, String id, String status) {
    String path = SIMULATIONS + "/" + id + "?team_id=" + team;
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !List.of("pending", "running")
                    .contains(config(http.get(path).object("simulation")).get("status")));
    Map<String, Object> simulation = http.get(path).object("simulation");
    assertSimulationsModel(simulation);
    assertThat(config(simulation).get("status")).as("%s", simulation).isEqualTo(status);
    return simulation;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Map<String, Object> simulation) {
    return (Map<String, Object>) simulation.get("simulation_config");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> workflow(Map<String, Object> simulation, String side) {
    return (Map<String, Object>) config(simulation).get(side);
  }

  /** Every field of the seed's SimulationsModel, with its type and enum. */
  @SuppressWarnings("unchecked")
  static void assertSimulationsModel(Map<String, Object> simulation) {
    assertThat(simulation)
        .containsKeys(
            "team_id",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "_id",
            "simulation_config");
    for (String key : List.of("team_id", "created_by", "updated_by", "_id")) {
      assertThat(simulation.get(key)).as(key).isInstanceOf(String.class);
    }
    for (String key : List.of("created_at", "updated_at")) {
      assertThat((String) simulation.get(key))
          .as(key)
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    }
    assertThat(UUID.fromString((String) simulation.get("_id"))).isNotNull();
    Map<String, Object> config = config(simulation);
    assertThat(config)
        .containsKeys(
            "logical_id",
            "description",
            "selected_workflow",
            "counter_workflow",
            "timeout_seconds",
            "max_events",
            "number_of_simulations",
            "stop_on_failure",
            "status");
    assertThat(config.get("max_events")).isInstanceOf(Integer.class);
    assertThat(config.get("number_of_simulations")).isInstanceOf(Integer.class);
    assertThat(config.get("stop_on_failure")).isInstanceOf(Boolean.class);
    assertThat(config.get("timeout_seconds"))
        .satisfiesAnyOf(
            value -> assertThat(value).isNull(),
            value -> assertThat(value).isInstanceOf(Integer.class));
    assertThat(STATUSES).contains((String) config.get("status"));
    for (String side : List.of("selected_workflow", "counter_workflow")) {
      Map<String, Object> workflow = (Map<String, Object>) config.get(side);
      assertThat(workflow)
          .as(side)
          .containsKeys(
              "workflow_id",
              "dynamic_variables",
              "name",
              "total_events",
              "total_nodes",
              "total_duration_seconds",
              "run_id");
      assertThat(workflow.get("workflow_id")).isInstanceOf(String.class);
      assertThat(workflow.get("dynamic_variables")).isInstanceOf(Map.class);
      assertThat(workflow.get("name")).isInstanceOf(String.class);
      assertThat(workflow.get("total_events")).isInstanceOf(Integer.class);
      assertThat(workflow.get("total_nodes")).isInstanceOf(Integer.class);
      assertThat(workflow.get("total_duration_seconds")).isInstanceOf(Number.class);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void agentAgainstAgentRunsToCompletionWithBothSidesInTheTranscripts() {
    String agent = createAgent("/agent");
    String counter = createAgent("/counter");

    Http.Response created =
        create(PROJECT, body(agent, counter, Map.of("number_of_simulations", 2)));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
    Map<String, Object> simulation = created.object("simulation");
    assertSimulationsModel(simulation);
    assertThat(simulation).containsEntry("team_id", PROJECT);
    assertThat(config(simulation))
        .containsEntry("logical_id", "pizza-check")
        .containsEntry("max_events", 500)
        .containsEntry("number_of_simulations", 2)
        .containsEntry("stop_on_failure", false)
        .containsEntry("timeout_seconds", null);
    assertThat(workflow(simulation, "selected_workflow"))
        .containsEntry("workflow_id", agent)
        .containsEntry("dynamic_variables", Map.of("tier", "gold"))
        .containsEntry("name", "agent at /agent");
    String id = (String) simulation.get("_id");

    Map<String, Object> done = awaitSimulation(PROJECT, id, "completed");
    assertThat(workflow(done, "selected_workflow"))
        .containsEntry("total_events", 2)
        .containsEntry("total_nodes", 0);
    assertThat(workflow(done, "counter_workflow"))
        .containsEntry("total_events", 4)
        .containsEntry("name", "agent at /counter");
    assertThat(workflow(done, "selected_workflow").get("run_id")).isInstanceOf(String.class);

    Http.Response runs =
        http.get(
            "/simulations/"
                + done.get("scenario_id")
                + "/batches/"
                + id
                + "/runs?projectId="
                + PROJECT
                + "&sort=sequence:asc");
    assertThat(runs.status()).isEqualTo(200);
    assertThat(runs.list("data"))
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(run)
                  .containsEntry("terminationReason", "USER_STOP")
                  .containsEntry("userPromptVersion", "agent");
              List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
              assertThat(turns)
                  .extracting(
                      turn -> ((Map<String, Object>) turn.get("data")).get("role"),
                      turn -> turn.get("text"))
                  .containsExactly(
                      tuple("user", "I would like a pizza, please."),
                      tuple("agent", "Your order is confirmed, order number 7."),
                      tuple("user", "Great,\nthanks!"));
              assertThat((Map<String, Object>) turns.get(2).get("data"))
                  .containsEntry("payload", Map.of("satisfied", true));
            });
    fakes.verify(
        2,
        postRequestedFor(urlEqualTo("/agent"))
            .withRequestBody(matchingJsonPath("$.data.tier", equalTo("gold"))));
    fakes.verify(
        4,
        postRequestedFor(urlEqualTo("/counter"))
            .withRequestBody(matchingJsonPath("$.data.customer", equalTo("Ana"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void personaAsCounterpartIsPlayedByTheModelNamedByModelId() {
    String agent = createAgent("/agent");
    String model = createModel();
    // a second model, so that one left unnamed is ambiguous whichever tests ran before in this
    // project
    createModel();
    Http.Response persona =
        http.post(
            "/v1/personas?projectId=" + PROJECT,
            Map.of("name", "Sam", "description", "Hungry and impatient"));
    assertThat(persona.status()).isEqualTo(201);
    String personaId = (String) persona.body().get("id");

    Http.Response missing = create(PROJECT, body(agent, personaId, Map.of()));
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.list("detail"))
        .singleElement()
        .satisfies(
            detail ->
                assertThat(detail)
                    .containsEntry("loc", List.of("body", "model_id"))
                    .containsEntry("type", "missing"));

    Http.Response created =
        create(PROJECT, body(agent, personaId, Map.of("model_id", model, "max_events", 4)));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
    String id = (String) created.object("simulation").get("_id");
    Map<String, Object> done = awaitSimulation(PROJECT, id, "completed");
    assertThat(config(done)).containsEntry("model_id", model).containsEntry("max_events", 4);
    assertThat(workflow(done, "counter_workflow"))
        .containsEntry("name", "Sam")
        .containsEntry("total_events", 2);

    Map<String, Object> run =
        http.get(
                "/simulations/"
                    + done.get("scenario_id")
                    + "/batches/"
                    + id
                    + "/runs?projectId="
                    + PROJECT)
            .list("data")
            .get(0);
    assertThat(run)
        .containsEntry("terminationReason", "MAX_EVENTS")
        .containsEntry("userPromptVersion", "user-v2");
    assertThat(((List<Map<String, Object>>) run.get("turns")).get(0))
        .containsEntry("text", "I would like a large pizza margherita, please.");
  }

  @Test
  void badInputGetsFastApiValidationErrorsNamingTheField() {
    String agent = createAgent("/agent");
    assertValidation(
        Map.of("counter_workflow", Map.of("workflow_id", agent)),
        List.of("body", "selected_workflow"),
        "missing");
    assertValidation(
        body(agent, agent, Map.of("max_events", "many")),
        List.of("body", "max_events"),
        "int_type");
    assertValidation(
        body(agent, agent, Map.of("number_of_simulations", 0)),
        List.of("body", "number_of_simulations"),
        "greater_than_equal");
    assertValidation(
        body(agent, agent, Map.of("stop_on_failure", "yes")),
        List.of("body", "stop_on_failure"),
        "bool_type");
    assertValidation(
        body(agent, agent, Map.of("status", "done")), List.of("body", "status"), "enum");
    assertValidation(
        Map.of(
            "selected_workflow",
            Map.of("dynamic_variables", Map.of()),
            "counter_workflow",
            Map.of("workflow_id", agent)),
        List.of("body", "selected_workflow", "workflow_id"),
        "missing");

    Http.Response garbage = http.post(SIMULATIONS + "?team_id=" + PROJECT, "{not json");
    assertThat(garbage.status()).isEqualTo(422);
    assertThat(garbage.list("detail"))
        .singleElement()
        .satisfies(detail -> assertThat(detail).containsEntry("type", "json_invalid"));

    Http.Response unknown = create(PROJECT, body("5eb7cf5a86d9755df3a6c593", agent, Map.of()));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat((String) unknown.body().get("detail"))
        .contains("selected_workflow.workflow_id", "5eb7cf5a86d9755df3a6c593");

    Http.Response badPage = http.get(SIMULATIONS + "?team_id=" + PROJECT + "&skip=-1");
    assertThat(badPage.status()).isEqualTo(422);
    assertThat(badPage.list("detail"))
        .singleElement()
        .satisfies(detail -> assertThat(detail).containsEntry("loc", List.of("query", "skip")));

    assertThat(http.get(SIMULATIONS + "/" + UUID.randomUUID() + "?team_id=" + PROJECT).status())
        .isEqualTo(404);
  }

  /**
   * {@code max_events} shares the native {@code maxEvents} bounds, 1 to 10,000, and pydantic's
   * error body.
   */
  @Test
  void maxEventsIsAcceptedFromOneToTenThousandAndRejectedOutsideAsFastApiDoes() {
    String team = "interactly-" + UUID.randomUUID();
    String agent = agentIn(team, "/agent");
    String counter = agentIn(team, "/counter");

    Http.Response above = create(team, body(agent, counter, Map.of("max_events", 10_001)));
    assertThat(above.status()).as("%s", above.body()).isEqualTo(422);
    assertThat(above.body())
        .isEqualTo(
            Map.of(
                "detail",
                List.of(
                    Map.of(
                        "type",
                        "less_than_equal",
                        "loc",
                        List.of("body", "max_events"),
                        "msg",
                        "Input should be less than or equal to 10000",
                        "input",
                        10_001,
                        "ctx",
                        Map.of("le", 10_000)))));
    Http.Response below = create(team, body(agent, counter, Map.of("max_events", 0)));
    assertThat(below.status()).as("%s", below.body()).isEqualTo(422);
    assertThat(below.body())
        .isEqualTo(
            Map.of(
                "detail",
                List.of(
                    Map.of(
                        "type",
                        "greater_than_equal",
                        "loc",
                        List.of("body", "max_events"),
                        "msg",
                        "Input should be greater than or equal to 1",
                        "input",
                        0,
                        "ctx",
                        Map.of("ge", 1)))));
    assertThat(http.get(SIMULATIONS + "?team_id=" + team).body()).containsEntry("total", 0);

    Http.Response atBound = create(team, body(agent, counter, Map.of("max_events", 10_000)));
    assertThat(atBound.status()).as("%s", atBound.body()).isEqualTo(200);
    assertThat(config(atBound.object("simulation"))).containsEntry("max_events", 10_000);
    Map<String, Object> done =
        awaitSimulation(team, (String) atBound.object("simulation").get("_id"), "completed");
    assertThat(terminationReason(team, done)).isEqualTo("USER_STOP");

    Http.Response atLeast = create(team, body(agent, counter, Map.of("max_events", 1)));
    assertThat(atLeast.status()).as("%s", atLeast.body()).isEqualTo(200);
    Map<String, Object> minimal =
        awaitSimulation(team, (String) atLeast.object("simulation").get("_id"), "completed");
    assertThat(config(minimal)).containsEntry("max_events", 1);
    assertThat(terminationReason(team, minimal)).isEqualTo("MAX_EVENTS");
  }

  private Object terminationReason(String team, Map<String, Object> simulation) {
    return http.get(
            "/simulations/"
                + simulation.get("scenario_id")
                + "/batches/"
                + simulation.get("_id")
                + "/runs?projectId="
                + team)
        .list("data")
        .get(0)
        .get("terminationReason");
  }

  private void assertValidation(Map<String, Object> body, List<String> loc, String type) {
    Http.Response response = create(PROJECT, body);
    assertThat(response.status()).as("%s", response.body()).isEqualTo(422);
    assertThat(response.list("detail"))
        .singleElement()
        .satisfies(
            detail -> {
              assertThat(detail).containsEntry("loc", loc).containsEntry("type", type);
              assertThat(detail.get("msg")).isInstanceOf(String.class);
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void cancellingARunningSimulationMakesItCancelled() {
    String agent = createAgent("/slow-agent");
    String counter = createAgent("/counter");
    String id =
        (String)
            create(PROJECT, body(agent, counter, Map.of("number_of_simulations", 3)))
                .object("simulation")
                .get("_id");
    // As in the Cognigy stop test: cancel once the runs are under way (see the report on the race).
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ((Number)
                            ((Map<?, ?>)
                                    http.get(SIMULATIONS + "/" + id + "?team_id=" + PROJECT)
                                        .object("simulation")
                                        .get("runs"))
                                .get("running"))
                        .intValue()
                    == 3);

    Http.Response cancelled =
        http.post(SIMULATIONS + "/" + id + "/cancel?team_id=" + PROJECT, Map.of());

    assertThat(cancelled.status()).isEqualTo(200);
    assertSimulationsModel(cancelled.object("simulation"));
    Map<String, Object> done = awaitSimulation(PROJECT, id, "cancelled");
    assertThat((Map<String, Object>) done.get("runs")).containsEntry("cancelled", 3);
  }

  @Test
  void listsATeamsSimulationsNewestFirstPageByPage() {
    String team = "interactly-" + UUID.randomUUID();
    String agent = agentIn(team, "/agent");
    String counter = agentIn(team, "/counter");
    String first =
        (String) create(team, body(agent, counter, Map.of())).object("simulation").get("_id");
    Http.Response viaHeader =
        http.post(SIMULATIONS, body(agent, counter, Map.of()), Map.of("X-Team-Id", team));
    assertThat(viaHeader.status()).isEqualTo(200);
    String newest = (String) viaHeader.object("simulation").get("_id");

    Http.Response page = http.get(SIMULATIONS + "?team_id=" + team + "&limit=1");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .containsEntry("total", 2)
        .containsEntry("skip", 0)
        .containsEntry("limit", 1);
    assertThat(page.list("simulations"))
        .singleElement()
        .satisfies(
            simulation -> {
              assertSimulationsModel(simulation);
              assertThat(simulation).containsEntry("_id", newest).containsEntry("team_id", team);
            });
    assertThat(http.get(SIMULATIONS + "?team_id=" + team + "&limit=1&skip=1").list("simulations"))
        .extracting(simulation -> simulation.get("_id"))
        .containsExactly(first);
  }

  private String agentIn(String team, String path) {
    Http.Response created =
        http.post(
            "/v1/agents?projectId=" + team,
            Map.of(
                "name",
                "agent at " + path,
                "type",
                "http",
                "config",
                Map.of("url", fakes.baseUrl() + path)));
    assertThat(created.status()).isEqualTo(201);
    return (String) created.body().get("id");
  }
}
