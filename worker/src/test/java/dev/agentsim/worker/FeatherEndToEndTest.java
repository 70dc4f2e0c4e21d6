package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feather's dialect, against the whole application: dispatch, poll, list, every validation rule,
 * agent revisions.
 */
class FeatherEndToEndTest extends EmbeddedAppTest {

  private static final String RUNS = "/v1/simulation/runs?organization_id=" + PROJECT;
  private static final List<String> REQUIRED =
      List.of(
          "id",
          "session_id",
          "organization_id",
          "agent_id",
          "agent_revision_id",
          "persona_id",
          "scenario_id",
          "channel",
          "tool_overrides",
          "status",
          "started_at",
          "finished_at",
          "error_text",
          "inputs_snapshot",
          "created_at");

  @Test
  @SuppressWarnings("unchecked")
  void dispatchesARunPollsItToTheEndAndListsIt() {
    String agent = createAgent("/agent");
    String model = createModel();
    String persona = createPersona();
    String scenario = createScenario(personaScenario(persona));
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("lookup_order", nullOutput());
    overrides.put("refund", Map.of("error", "payments are down", "delay_ms", 10));

    Http.Response dispatched =
        http.post(
            RUNS,
            dispatch(
                agent, persona, scenario, Map.of("tool_overrides", overrides, "model_id", model)));
    assertThat(dispatched.status()).as("%s", dispatched.body()).isEqualTo(201);
    assertRunResponse(dispatched.body());
    assertThat(dispatched.body())
        .containsEntry("agent_id", agent)
        .containsEntry("persona_id", persona)
        .containsEntry("scenario_id", scenario)
        .containsEntry("channel", "text")
        .containsEntry("model_id", model)
        .containsEntry("agent_revision", 1);
    assertThat(dispatched.body().get("status")).isIn("pending", "running");
    assertThat((Map<String, Object>) dispatched.body().get("tool_overrides"))
        .containsOnlyKeys("lookup_order", "refund");
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) dispatched.body().get("tool_overrides")).get("refund"))
        .containsEntry("error", "payments are down")
        .containsEntry("delay_ms", 10);
    String id = (String) dispatched.body().get("id");

    Map<String, Object> finished = awaitRun(id);
    assertRunResponse(finished);
    assertThat(finished)
        .containsEntry("status", "completed")
        .containsEntry("verdict", "SUCCESS")
        .containsEntry("error_text", null)
        .containsEntry("termination_reason", "MAX_TURNS")
        .containsEntry("agent_revision_id", dispatched.body().get("agent_revision_id"));
    assertThat(finished.get("started_at")).isNotNull();
    assertThat(finished.get("finished_at")).isNotNull();
    List<Map<String, Object>> transcript = (List<Map<String, Object>>) finished.get("transcript");
    assertThat(transcript)
        .extracting(message -> message.get("role"))
        .containsExactly("user", "agent", "user", "agent", "user", "agent");
    assertThat(transcript.get(1)).containsEntry("text", "Your order is confirmed, order number 7.");
    assertThat((List<Map<String, Object>>) finished.get("results"))
        .hasSize(3)
        .allSatisfy(result -> assertThat(result).containsEntry("passed", true));

    // The session is the run as the Cognigy dialect shows it too.
    Http.Response session =
        http.get(
            "/simulations/"
                + scenario
                + "/batches/"
                + id
                + "/runs/"
                + finished.get("session_id")
                + "?projectId="
                + PROJECT);
    assertThat(session.status()).isEqualTo(200);

    // What the run was dispatched with, resolved, without the agent's or the model's secrets.
    Map<String, Object> snapshot = (Map<String, Object>) finished.get("inputs_snapshot");
    assertThat(snapshot)
        .containsKeys("agent", "persona", "scenario", "model", "channel", "tool_overrides");
    Map<String, Object> agentSnapshot = (Map<String, Object>) snapshot.get("agent");
    assertThat(agentSnapshot)
        .containsEntry("id", agent)
        .containsEntry("revision", 1)
        .containsEntry("revision_id", finished.get("agent_revision_id"));
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) agentSnapshot.get("config")).get("headers"))
        .containsEntry("Authorization", "********");
    assertThat((Map<String, Object>) snapshot.get("persona"))
        .containsEntry("id", persona)
        .containsEntry("name", "Robin");
    String json = JsonMapper.builder().build().writeValueAsString(finished);
    assertThat(json).doesNotContain("agent-secret").doesNotContain("sk-test-secret");

    Http.Response page = http.get(RUNS + "&limit=100");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).containsEntry("limit", 100).containsEntry("offset", 0);
    assertThat(((Number) page.body().get("total")).intValue()).isPositive();
    List<Map<String, Object>> items = page.list("items");
    assertThat(items).extracting(item -> item.get("id")).contains(id);
    items.forEach(FeatherEndToEndTest::assertRunResponse);
    assertThat(http.get("/v1/simulation/runs?organization_id=another-project").list("items"))
        .isEmpty();

    assertValidation(http.get(RUNS + "&limit=0"), List.of("query", "limit"), "greater_than_equal");
    assertValidation(http.get(RUNS + "&offset=x"), List.of("query", "offset"), "int_parsing");
    Http.Response unknown =
        http.get("/v1/simulation/runs/" + UUID.randomUUID() + "?organization_id=" + PROJECT);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body())
        .containsOnlyKeys("error", "message")
        .containsEntry("error", "not_found");
    assertThat(http.get("/v1/simulation/runs/" + id + "?organization_id=another-project").status())
        .isEqualTo(404);
  }

  @Test
  void everyValidationRuleAnswers422NamingTheField() {
    String agent = createAgent("/agent");
    String otherAgent = createAgent("/agent");
    createModel();
    String persona = createPersona();
    String scenario = createScenario(personaScenario(persona));

    Http.Response empty = http.post(RUNS, Map.of());
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.list("detail"))
        .extracting(detail -> detail.get("loc"))
        .containsExactlyInAnyOrder(
            List.of("body", "agent_id"),
            List.of("body", "persona_id"),
            List.of("body", "scenario_id"),
            List.of("body", "channel"));
    assertThat(empty.list("detail"))
        .allSatisfy(detail -> assertThat(detail).containsKeys("loc", "msg", "type"));

    assertValidation(
        http.post(RUNS, dispatch("not-a-uuid", persona, scenario, Map.of())),
        List.of("body", "agent_id"),
        "uuid_parsing");
    assertValidation(
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("agent_revision_id", 12))),
        List.of("body", "agent_revision_id"),
        "uuid_type");
    assertValidation(
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("channel", "fax"))),
        List.of("body", "channel"),
        "enum");
    Http.Response voice =
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("channel", "voice")));
    assertValidation(voice, List.of("body", "channel"), "value_error");
    assertThat((String) voice.list("detail").get(0).get("msg"))
        .contains("voice")
        .contains("\"text\"");
    Map<String, Object> withoutChannel = dispatch(agent, persona, scenario, Map.of());
    withoutChannel.remove("channel");
    assertValidation(http.post(RUNS, withoutChannel), List.of("body", "channel"), "value_error");

    assertValidation(
        http.post(RUNS, overrides(agent, persona, scenario, Map.of("output", "x", "error", "y"))),
        List.of("body", "tool_overrides", "lookup"),
        "value_error");
    assertValidation(
        http.post(RUNS, overrides(agent, persona, scenario, Map.of("delay_ms", 5))),
        List.of("body", "tool_overrides", "lookup"),
        "value_error");
    assertValidation(
        http.post(RUNS, overrides(agent, persona, scenario, Map.of("error", ""))),
        List.of("body", "tool_overrides", "lookup", "error"),
        "value_error");
    assertValidation(
        http.post(
            RUNS, overrides(agent, persona, scenario, Map.of("output", 1, "delay_ms", 60_001))),
        List.of("body", "tool_overrides", "lookup", "delay_ms"),
        "less_than_equal");
    assertValidation(
        http.post(RUNS, overrides(agent, persona, scenario, Map.of("output", 1, "delay_ms", -1))),
        List.of("body", "tool_overrides", "lookup", "delay_ms"),
        "greater_than_equal");
    assertValidation(
        http.post(
            RUNS, overrides(agent, persona, scenario, Map.of("output", 1, "delay_ms", "soon"))),
        List.of("body", "tool_overrides", "lookup", "delay_ms"),
        "int_type");
    assertValidation(
        http.post(RUNS, overrides(agent, persona, scenario, Map.of("output", 1, "retries", 2))),
        List.of("body", "tool_overrides", "lookup", "retries"),
        "extra_forbidden");
    assertValidation(
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("tool_overrides", List.of()))),
        List.of("body", "tool_overrides"),
        "dict_type");
    assertValidation(http.post(RUNS, "{\"agent_id\": "), List.of("body"), "json_invalid");

    // Ids that parse but do not fit together.
    String revisionOfOther =
        (String)
            http.get("/v1/agents/" + otherAgent + "?projectId=" + PROJECT).body().get("revisionId");
    assertValidation(
        http.post(
            RUNS, dispatch(agent, persona, scenario, Map.of("agent_revision_id", revisionOfOther))),
        List.of("body", "agent_revision_id"),
        "value_error");
    String otherPersona = createPersona();
    assertValidation(
        http.post(RUNS, dispatch(agent, otherPersona, scenario, Map.of())),
        List.of("body", "persona_id"),
        "value_error");
    assertValidation(
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("model_id", "x"))),
        List.of("body", "model_id"),
        "uuid_parsing");

    // Ids that name nothing in the organization: Feather's 400 {error, message}.
    for (Map<String, Object> body :
        List.of(
            dispatch(UUID.randomUUID().toString(), persona, scenario, Map.of()),
            dispatch(agent, persona, UUID.randomUUID().toString(), Map.of()),
            dispatch(agent, UUID.randomUUID().toString(), scenario, Map.of()))) {
      Http.Response notFound = http.post(RUNS, body);
      assertThat(notFound.status()).as("%s", notFound.body()).isEqualTo(400);
      assertThat(notFound.body())
          .containsOnlyKeys("error", "message")
          .containsEntry("error", "not_found");
    }
    Http.Response elsewhere =
        http.post(
            "/v1/simulation/runs?organization_id=another-project",
            dispatch(agent, persona, scenario, Map.of()));
    assertThat(elsewhere.status()).isEqualTo(400);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPinnedAgentRevisionIsTheOneTheRunCalls() {
    fakes.stubFor(
        post(urlEqualTo("/agent-v2"))
            .willReturn(
                okJson(
                    """
        {"text": "Version two here: order confirmed, number 8.", "ended": false}""")));
    String agent = createAgent("/agent");
    String model = createModel();
    String persona = createPersona();
    String scenario = createScenario(personaScenario(persona));
    String agentPath = "/v1/agents/" + agent + "?projectId=" + PROJECT;

    Map<String, Object> first = http.get(agentPath).body();
    assertThat(first).containsEntry("revision", 1);
    String firstRevision = (String) first.get("revisionId");
    Http.Response updated =
        http.put(
            agentPath,
            Map.of(
                "name",
                "agent v2",
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    fakes.baseUrl() + "/agent-v2",
                    "timeoutMs",
                    5_000,
                    "headers",
                    Map.of("Authorization", "********"))));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body()).containsEntry("revision", 2);
    String secondRevision = (String) updated.body().get("revisionId");
    assertThat(secondRevision).isNotEqualTo(firstRevision);
    assertThat(http.get("/v1/agents/" + agent + "/revisions?projectId=" + PROJECT).list("data"))
        .extracting(revision -> revision.get("id"))
        .containsExactly(secondRevision, firstRevision);

    Http.Response pinned =
        http.post(
            RUNS,
            dispatch(
                agent,
                persona,
                scenario,
                Map.of("agent_revision_id", firstRevision, "model_id", model)));
    assertThat(pinned.status()).as("%s", pinned.body()).isEqualTo(201);
    assertThat(pinned.body())
        .containsEntry("agent_revision_id", firstRevision)
        .containsEntry("agent_revision", 1);
    Map<String, Object> finished = awaitRun((String) pinned.body().get("id"));
    assertThat(finished)
        .containsEntry("status", "completed")
        .containsEntry("agent_revision_id", firstRevision);
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) finished.get("inputs_snapshot")).get("agent"))
        .containsEntry("name", "agent at /agent")
        .containsEntry("revision", 1);
    fakes.verify(3, postRequestedFor(urlEqualTo("/agent")));
    fakes.verify(0, postRequestedFor(urlEqualTo("/agent-v2")));

    Http.Response latest =
        http.post(RUNS, dispatch(agent, persona, scenario, Map.of("model_id", model)));
    assertThat(latest.body())
        .containsEntry("agent_revision_id", secondRevision)
        .containsEntry("agent_revision", 2);
    awaitRun((String) latest.body().get("id"));
    fakes.verify(3, postRequestedFor(urlEqualTo("/agent-v2")));
    fakes.verify(3, postRequestedFor(urlEqualTo("/agent")));
  }

  private Map<String, Object> awaitRun(String id) {
    String path = "/v1/simulation/runs/" + id + "?organization_id=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !List.of("pending", "running").contains(http.get(path).body().get("status")));
    Http.Response run = http.get(path);
    assertThat(run.status()).isEqualTo(200);
    return run.body();
  }

  /** Every field Feather's SimulationRunResponse requires, with its type and format. */
  @SuppressWarnings("unchecked")
  static void assertRunResponse(Map<String, Object> run) {
    assertThat(run).containsKeys(REQUIRED.toArray(String[]::new));
    for (String uuid :
        List.of("id", "session_id", "organization_id", "agent_id", "persona_id", "scenario_id")) {
      assertUuid(run.get(uuid));
    }
    assertUuid(run.get("agent_revision_id"));
    assertThat(run.get("channel")).isIn("text", "voice");
    assertThat(run.get("status")).isIn("pending", "running", "completed", "failed", "cancelled");
    assertThat(run.get("tool_overrides"))
        .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isInstanceOf(Map.class));
    assertThat(run.get("inputs_snapshot")).isInstanceOf(Map.class);
    assertThat(run.get("error_text"))
        .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isInstanceOf(String.class));
    OffsetDateTime.parse((String) run.get("created_at"));
    for (String timestamp : List.of("started_at", "finished_at")) {
      if (run.get(timestamp) != null) {
        OffsetDateTime.parse((String) run.get(timestamp));
      }
    }
    assertThat((Map<String, Object>) run.get("inputs_snapshot")).isNotEmpty();
  }

  private static void assertUuid(Object value) {
    assertThat(value).isInstanceOf(String.class);
    assertThat(UUID.fromString((String) value).toString()).isEqualTo(value);
  }

  private static void assertValidation(Http.Response response, List<Object> loc, String type) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(422);
    assertThat(response.body()).containsOnlyKeys("detail");
    assertThat(response.list("detail"))
        .as("%s", response.body())
        .anySatisfy(
            detail ->
                assertThat(detail)
                    .containsEntry("loc", loc)
                    .containsEntry("type", type)
                    .containsKey("msg"));
  }

  private String createPersona() {
    Http.Response created =
        http.post(
            "/v1/personas?projectId=" + PROJECT,
            Map.of("name", "Robin", "description", "Wants a pizza, quickly"));
    assertThat(created.status()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  private static Map<String, Object> personaScenario(String persona) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("persona", null);
    overrides.put("personaId", persona);
    return overrides;
  }

  private static Map<String, Object> dispatch(
      String agent, String persona, String scenario, Map<String, Object> extra) {
    Map<String, Object> body =
        new HashMap<>(
            Map.of(
                "agent_id",
                agent,
                "persona_id",
                persona,
                "scenario_id",
                scenario,
                "channel",
                "text"));
    body.putAll(extra);
    return body;
  }

  private static Map<String, Object> overrides(
      String agent, String persona, String scenario, Map<String, Object> canned) {
    return dispatch(agent, persona, scenario, Map.of("tool_overrides", Map.of("lookup", canned)));
  }

  private static Map<String, Object> nullOutput() {
    Map<String, Object> canned = new HashMap<>();
    canned.put("output", null);
    return canned;
  }
}
