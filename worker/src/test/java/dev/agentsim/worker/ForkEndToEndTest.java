package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forking a stored conversation: the fork's agent hears the original's user messages again in a
 * session of its own, then the simulated user goes on from there, and the whole is judged.
 */
class ForkEndToEndTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> USER_SAYS =
      List.of(
          "Hi, I am hungry.",
          "A large pizza margherita, please.",
          "Deliver it to 12 Rua Augusta.",
          "Make that two pizzas, please.");

  @Test
  void aConversationForkedAtAUserMessageReplaysWhatCameBeforeInANewSessionAndGoesOn() {
    userSaysInTurn();
    String agentId = createAgent("/agent");
    String scenarioId = createScenario(Map.of());
    Http.Response scheduled =
        schedule(scenarioId, scheduleBody(agentId, createModel(), 1, Map.of()));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String originalBatch = (String) scheduled.body().get("id");
    awaitBatch(scenarioId, originalBatch, "completed");
    Map<String, Object> original = onlyRun(originalBatch);
    String originalId = (String) original.get("id");
    assertThat(turns(original))
        .extracting(turn -> turn.get("role"), turn -> turn.get("text"))
        .startsWith(
            tuple("user", USER_SAYS.get(0)),
            tuple("agent", "Your order is confirmed, order number 7."),
            tuple("user", USER_SAYS.get(1)),
            tuple("agent", "Your order is confirmed, order number 7."),
            tuple("user", USER_SAYS.get(2)));

    Http.Response forked =
        http.post(
            "/v1/runs/" + originalId + "/fork?projectId=" + PROJECT, Map.of("fromSequence", 5));

    assertThat(forked.status()).as("%s", forked.body()).isEqualTo(201);
    String forkBatch = (String) forked.body().get("id");
    assertThat(forked.location()).endsWith("/v1/batches/" + forkBatch + "?projectId=" + PROJECT);
    assertThat(forked.body())
        .containsEntry("scenarioId", scenarioId)
        .containsEntry("agentId", agentId)
        .containsEntry("runs", 1)
        .containsEntry("endPointType", "native");
    assertThat(forked.body().get("labels")).isEqualTo(Map.of("forkedFrom", originalId));
    Map<String, Object> done = awaitNative(forkBatch);
    assertThat(done)
        .as("%s", done)
        .containsEntry("status", "completed")
        .containsEntry("succeededRuns", 1);

    Map<String, Object> fork = onlyRun(forkBatch);
    String forkId = (String) fork.get("id");
    assertThat(fork.get("forkedFrom")).isEqualTo(Map.of("runId", originalId, "fromSequence", 5));
    List<Map<String, Object>> turns = turns(fork);
    assertThat(turns)
        .extracting(
            turn -> turn.get("sequence"), turn -> turn.get("role"), turn -> turn.get("text"))
        .containsExactly(
            tuple(1, "user", USER_SAYS.get(0)),
                tuple(2, "agent", "Your order is confirmed, order number 7."),
            tuple(3, "user", USER_SAYS.get(1)),
                tuple(4, "agent", "Your order is confirmed, order number 7."),
            tuple(5, "user", USER_SAYS.get(3)),
                tuple(6, "agent", "Your order is confirmed, order number 7."));
    assertThat(turns)
        .extracting(turn -> turn.get("data"))
        .containsExactly(
            Map.of("replayed", true),
            Map.of("order", 7),
            Map.of("replayed", true),
            Map.of("order", 7),
            Map.of("inputTokens", 42, "outputTokens", 12),
            Map.of("order", 7));
    assertThat(fork)
        .containsEntry("verdict", "SUCCESS")
        .containsEntry("terminationReason", "MAX_TURNS")
        .containsEntry("criteriaTotal", 3)
        .containsEntry("criteriaPassed", 3);

    // The agent heard the replayed messages and then the user's new one, in the fork's own session,
    // with the original batch's user id and data.
    List<Map<String, Object>> forkCalls =
        fakes.findAll(postRequestedFor(urlEqualTo("/agent"))).stream()
            .map(ForkEndToEndTest::body)
            .filter(call -> forkId.equals(call.get("sessionId")))
            .toList();
    assertThat(forkCalls)
        .extracting(call -> call.get("text"), call -> call.get("turn"))
        .containsExactly(
            tuple(USER_SAYS.get(0), 1), tuple(USER_SAYS.get(1), 2), tuple(USER_SAYS.get(3), 3));
    assertThat(forkCalls)
        .allSatisfy(
            call ->
                assertThat(call)
                    .containsEntry("userId", "tester")
                    .containsEntry("data", Map.of("tier", "gold")));

    // The simulated user went on from the replayed conversation, and the judge read all of it.
    List<String> llmCalls =
        fakes.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
            .map(LoggedRequest::getBodyAsString)
            .toList();
    List<String> userCalls =
        llmCalls.stream()
            .filter(call -> !call.contains(JUDGED_CRITERION) && !call.contains(EXPERIENCE_QUESTION))
            .toList();
    assertThat(userCalls).hasSize(4);
    String userGoingOn = userCalls.get(3);
    assertThat(userGoingOn)
        .contains(USER_SAYS.get(0), USER_SAYS.get(1))
        .doesNotContain(USER_SAYS.get(2));
    assertThat(
            llmCalls.stream()
                .filter(call -> call.contains(JUDGED_CRITERION) && call.contains(USER_SAYS.get(3))))
        .singleElement()
        .satisfies(judging -> assertThat(judging).contains(USER_SAYS.get(0), USER_SAYS.get(1)));
  }

  @Test
  void aForkOfAnUnknownRunOrAtNoUserMessageIsRefusedNamingTheField() {
    String agentId = createAgent("/agent");
    String scenarioId =
        createScenario(Map.of("script", List.of("Hi", "A pizza, please"), "maxTurns", 2));
    Http.Response scheduled =
        schedule(scenarioId, scheduleBody(agentId, createModel(), 1, Map.of()));
    String batchId = (String) scheduled.body().get("id");
    awaitBatch(scenarioId, batchId, "completed");
    String runId = (String) onlyRun(batchId).get("id");
    String fork = "/v1/runs/" + runId + "/fork?projectId=" + PROJECT;

    assertRefused(fork, Map.of(), "fromSequence", "REQUIRED");
    assertRefused(fork, Map.of("fromSequence", 0), "fromSequence", "OUT_OF_RANGE");
    assertRefused(fork, Map.of("fromSequence", 5), "fromSequence", "OUT_OF_RANGE");
    assertRefused(fork, Map.of("fromSequence", 2), "fromSequence", "NOT_A_USER_MESSAGE");
    assertRefused(fork, Map.of("fromSequence", "three"), "fromSequence", "INVALID_TYPE");
    assertRefused(fork, Map.of("fromSequence", 3, "runs", 0), "runs", "OUT_OF_RANGE");
    assertRefused(fork, Map.of("fromSequence", 3, "from", 1), "from", "UNKNOWN_FIELD");
    Http.Response unknown =
        http.post(
            "/v1/runs/00000000-0000-4000-8000-00000000dead/fork?projectId=" + PROJECT,
            Map.of("fromSequence", 1));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(
            http.post("/v1/runs/" + runId + "/fork?projectId=other", Map.of("fromSequence", 1))
                .status())
        .isEqualTo(404);

    // At the script's second line: the fork says the first again, then the script's second.
    Http.Response forked = http.post(fork, Map.of("fromSequence", 3, "runs", 2));
    assertThat(forked.status()).as("%s", forked.body()).isEqualTo(201);
    String forkBatch = (String) forked.body().get("id");
    assertThat(awaitNative(forkBatch)).containsEntry("succeededRuns", 2);
    Http.Response runs = http.get("/v1/batches/" + forkBatch + "/runs?projectId=" + PROJECT);
    for (Map<String, Object> run : runs.list("data")) {
      Map<String, Object> full =
          http.get("/v1/runs/" + run.get("id") + "?projectId=" + PROJECT).body();
      assertThat(turns(full))
          .extracting(turn -> turn.get("role"), turn -> turn.get("text"))
          .containsExactly(
              tuple("user", "Hi"), tuple("agent", "Your order is confirmed, order number 7."),
              tuple("user", "A pizza, please"),
                  tuple("agent", "Your order is confirmed, order number 7."));
      assertThat(turns(full).get(0).get("data")).isEqualTo(Map.of("replayed", true));
      assertThat(turns(full).get(2)).doesNotContainKey("data");
    }
  }

  /** The simulated user's model says the next of {@link #USER_SAYS} each time it is asked. */
  private static void userSaysInTurn() {
    for (int i = 0; i < USER_SAYS.size(); i++) {
      fakes.stubFor(
          post(urlEqualTo("/v1/chat/completions"))
              .atPriority(3)
              .inScenario("user")
              .whenScenarioStateIs(i == 0 ? STARTED : "said " + i)
              .willReturn(okJson(chatCompletion(USER_SAYS.get(i))))
              .willSetStateTo("said " + (i + 1)));
    }
  }

  private void assertRefused(String path, Map<String, Object> body, String field, String code) {
    Http.Response refused = http.post(path, body);
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body()).containsEntry("field", field).containsEntry("code", code);
  }

  private Map<String, Object> onlyRun(String batchId) {
    List<Map<String, Object>> runs =
        http.get("/v1/batches/" + batchId + "/runs?projectId=" + PROJECT).list("data");
    assertThat(runs).hasSize(1);
    return http.get("/v1/runs/" + runs.get(0).get("id") + "?projectId=" + PROJECT).body();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> turns(Map<String, Object> run) {
    return (List<Map<String, Object>>) run.get("turns");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(LoggedRequest request) {
    return new HashMap<>(JSON.readValue(request.getBodyAsString(), Map.class));
  }

  private Map<String, Object> awaitNative(String batchId) {
    String path = "/v1/batches/" + batchId + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !List.of("pending", "running").contains(http.get(path).body().get("status")));
    return http.get(path).body();
  }
}
