package dev.agentsim.activities.user;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.JSON;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatMessages;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.json;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.type.TypeReference;

/**
 * Agent against agent: a second agent (its own WireMock) plays the simulated user, in real
 * conversations on Temporal, without any model.
 */
class CounterAgentUserTest {

  private static final RetrySettings RETRY = new RetrySettings(2, 10, 10);

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension UNDER_TEST = wireMock();

  @RegisterExtension static final WireMockExtension COUNTER = wireMock();

  private static Temporal temporal;
  private static UUID agentId;
  private static UUID counterId;
  private static UUID scenarioId;

  @BeforeAll
  static void start() {
    temporal = Temporal.start(DB, DB.activities(Duration.ofSeconds(2)));
    agentId = DB.agent(agentConfig(UNDER_TEST.baseUrl(), 2_000));
    counterId = DB.agent(agentConfig(COUNTER.baseUrl(), 2_000));
    scenarioId =
        DB.scenario(
            new ScenarioSpec(
                "Agent vs agent",
                new Persona("Counter agent", "Another agent"),
                "Talk",
                List.of(),
                10,
                "user",
                null));
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  /** A run of a batch without a model, whose user is the counter agent. */
  private static RunInput run(boolean agentSpeaksFirst, Map<String, String> variables) {
    UUID batchId = UUID.randomUUID();
    DB.batches.insert(
        batchId,
        PROJECT,
        scenarioId,
        agentId,
        null,
        "Agent vs agent",
        1,
        "interactly",
        Map.of(),
        "test",
        Map.of());
    RunSettings settings =
        new RunSettings(
            agentSpeaksFirst,
            10,
            100,
            0,
            new Session(null, null, null, Map.of("plan", "gold")),
            RETRY,
            variables,
            null,
            counterId.toString(),
            null);
    return new RunInput(
        null,
        batchId.toString(),
        UUID.randomUUID().toString(),
        0,
        PROJECT,
        scenarioId.toString(),
        agentId.toString(),
        null,
        settings);
  }

  private static List<Map<String, Object>> bodies(WireMockExtension server) {
    return requests(server).stream()
        .map(
            request ->
                JSON.readValue(
                    request.getBodyAsString(), new TypeReference<Map<String, Object>>() {}))
        .toList();
  }

  private static List<LoggedRequest> requests(WireMockExtension server) {
    return server.findAll(postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void counterAgentOpensPlaysTheUserAndEndsTheConversation() {
    RunInput run = run(false, Map.of("customer", "Ana"));
    COUNTER.stubFor(
        agentCall()
            .inScenario("counter")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                json(
                    "{\"text\": \"Hi, I want to book a flight\", \"data\": {\"mood\": \"curious\"}, \"ended\": false}"))
            .willSetStateTo("booking"));
    COUNTER.stubFor(
        agentCall()
            .inScenario("counter")
            .whenScenarioStateIs("booking")
            .willReturn(
                json("{\"text\": [\"Lisbon, please.\", \"Thanks, bye!\"], \"ended\": true}")));
    UNDER_TEST.stubFor(
        agentCall().willReturn(json("{\"text\": [\"Hello!\", \"Where to?\"], \"ended\": false}")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, "user", "Hi, I want to book a flight"),
            tuple(1, "agent", "Hello!"),
            tuple(2, "agent", "Where to?"),
            tuple(3, "user", "Lisbon, please.\nThanks, bye!"));
    assertThat(turns.get(0).data()).isEqualTo(Map.of("mood", "curious"));
    assertThat(turns.get(0).latencyMs()).isNotNull();
    Run stored = DB.stored(run);
    assertThat(stored.userPromptVersion()).isEqualTo("agent");
    assertThat(stored.sentiment()).isNull();

    List<Map<String, Object>> counterBodies = bodies(COUNTER);
    assertThat(counterBodies).hasSize(2);
    assertThat(counterBodies.get(0))
        .containsEntry("sessionId", run.runId() + "-counter")
        .containsEntry("text", null)
        .containsEntry("data", Map.of("customer", "Ana"));
    assertThat(counterBodies.get(1)).containsEntry("text", "Hello!\nWhere to?");
    assertThat(requests(COUNTER))
        .extracting(request -> request.getHeader("Idempotency-Key"))
        .containsExactly(run.runId() + ":0:counter", run.runId() + ":3:counter");

    List<Map<String, Object>> agentBodies = bodies(UNDER_TEST);
    assertThat(agentBodies).hasSize(1);
    assertThat(agentBodies.get(0))
        .containsEntry("sessionId", run.runId())
        .containsEntry("text", "Hi, I want to book a flight")
        .containsEntry("data", Map.of("plan", "gold"));
  }

  @Test
  void agentUnderTestGreetsFirstAndTheCounterAgentAnswersIt() {
    RunInput run = run(true, null);
    UNDER_TEST.stubFor(
        agentCall().willReturn(json("{\"text\": \"Welcome to Fly Air.\", \"ended\": false}")));
    COUNTER.stubFor(agentCall().willReturn(json("{\"text\": [], \"ended\": true}")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.USER_STOP);
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(tuple("agent", "Welcome to Fly Air."));
    assertThat(bodies(COUNTER))
        .singleElement()
        .satisfies(
            body ->
                assertThat(body)
                    .containsEntry("text", "Welcome to Fly Air.")
                    .containsEntry("turn", 0));
  }

  @Test
  void failingCounterAgentIsTheSimulatedUserFailingWithTheAgentsCategory() {
    RunInput run = run(false, null);
    COUNTER.stubFor(
        agentCall().willReturn(aResponse().withStatus(503).withBody("down for maintenance")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.AI_AGENT_ERROR));
    Run stored = DB.stored(run);
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
    assertThat(stored.errorMessage()).startsWith("The counter agent playing the user failed: ");
    assertThat(requests(COUNTER)).hasSize(RETRY.maxAttempts());
    assertThat(requests(UNDER_TEST)).isEmpty();
  }

  @Test
  void slowCounterAgentTimesOut() {
    UUID slow =
        DB.definitions
            .insert(
                PROJECT,
                Kind.AGENT,
                new AgentSpec("Slow", "http", agentConfig(COUNTER.baseUrl(), 200)))
            .id();
    RunInput base = run(false, null);
    RunSettings s = base.settings();
    RunInput run =
        new RunInput(
            null,
            base.batchId(),
            base.runId(),
            0,
            PROJECT,
            base.scenarioId(),
            base.agentId(),
            null,
            new RunSettings(
                false, 10, 100, 0, s.session(), RETRY, null, null, slow.toString(), null));
    COUNTER.stubFor(agentCall().willReturn(json("{\"text\": \"late\"}").withFixedDelay(1_000)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.AI_AGENT_TIMEOUT));
  }

  /**
   * 127.0.0.2 reaches the counter's WireMock as well, but the outbound policy allows only
   * 127.0.0.1.
   */
  @Test
  void aCounterAgentTheOutboundPolicyRefusesFailsAtOnceWithoutBeingCalled() {
    UUID refused =
        DB.definitions
            .insert(
                PROJECT,
                Kind.AGENT,
                new AgentSpec(
                    "Elsewhere",
                    "http",
                    agentConfig(COUNTER.baseUrl().replace("localhost", "127.0.0.2"), 2_000)))
            .id();
    RunInput base = run(false, null);
    RunSettings s = base.settings();
    RunInput run =
        new RunInput(
            null,
            base.batchId(),
            base.runId(),
            0,
            PROJECT,
            base.scenarioId(),
            base.agentId(),
            null,
            new RunSettings(
                false, 10, 100, 0, s.session(), RETRY, null, null, refused.toString(), null));
    COUNTER.stubFor(agentCall().willReturn(json("{\"text\": \"Hello\"}")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.AI_AGENT_ERROR));
    assertThat(DB.stored(run).errorMessage())
        .isEqualTo(
            "The counter agent playing the user failed: "
                + "The agent's URL is not allowed: it points at 127.0.0.2, a loopback address");
    assertThat(requests(COUNTER)).isEmpty();
  }

  @Test
  void anOpenAiChatAgentCanPlayTheUserAndSeesTheConversationFromItsSide() {
    UUID model = DB.model(COUNTER.baseUrl());
    UUID chatCounter =
        DB.agent(
            new AgentSpec(
                "Counter bot",
                "openai-chat",
                new OpenAiChatAgentConfig(model, "You are a customer who wants a refund.", null)));
    UUID batchId = UUID.randomUUID();
    DB.batches.insert(
        batchId,
        PROJECT,
        scenarioId,
        agentId,
        null,
        "Agent vs chat agent",
        1,
        "interactly",
        Map.of(),
        "test",
        Map.of());
    RunSettings settings =
        new RunSettings(
            false,
            2,
            100,
            0,
            new Session(null, null, null, Map.of()),
            RETRY,
            null,
            null,
            chatCounter.toString(),
            null);
    RunInput run =
        new RunInput(
            null,
            batchId.toString(),
            UUID.randomUUID().toString(),
            0,
            PROJECT,
            scenarioId.toString(),
            agentId.toString(),
            null,
            settings);
    COUNTER.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .willReturn(completion("I want my money back.")));
    UNDER_TEST.stubFor(
        agentCall().willReturn(json("{\"text\": \"Sorry to hear that.\", \"ended\": false}")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(
            tuple("user", "I want my money back."), tuple("agent", "Sorry to hear that."),
            tuple("user", "I want my money back."), tuple("agent", "Sorry to hear that."));
    List<Map<String, Object>> second =
        chatMessages(
            COUNTER.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))).get(1));
    assertThat(second)
        .extracting(message -> message.get("role"))
        .containsExactly("system", "assistant", "user");
  }
}
