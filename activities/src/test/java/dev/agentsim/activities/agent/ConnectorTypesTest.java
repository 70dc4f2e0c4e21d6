package dev.agentsim.activities.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.chatMessages;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.json;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.CognigyRestAgentConfig;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.definition.OpenAiChatAgentConfig.Tool;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cognigy-rest and openai-chat agents and the http agent's mocking, against real HTTP servers.
 */
class ConnectorTypesTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension AGENT = wireMock();

  private static AgentActivitiesImpl activities;
  private static UUID scenarioId;
  private static UUID modelId;

  @BeforeAll
  static void wire() {
    activities = DB.activities(Duration.ofSeconds(5)).agent();
    scenarioId = DB.scenario(scripted(List.of(), "Hello"));
  }

  private static UUID model() {
    if (modelId == null) {
      modelId = DB.model(AGENT.baseUrl());
    }
    return modelId;
  }

  private static RunSettings mocked(Map<String, ToolOverride> overrides) {
    RunSettings base = settings(false, 5, FAST_RETRY);
    return new RunSettings(
        false,
        5,
        100,
        0,
        base.session(),
        FAST_RETRY,
        null,
        new Mocking(true, overrides),
        null,
        null);
  }

  // --- cognigy-rest --------------------------------------------------------------------------

  @Test
  void aCognigyFlowsOutputsBecomeOneTurnWithEveryOutputInItsData() {
    AgentSpec agent =
        new AgentSpec(
            "Cognigy bot",
            "cognigy-rest",
            new CognigyRestAgentConfig(
                AGENT.baseUrl() + "/cognigy/abc123", Map.of("X-Token", "t-secret"), 2_000));
    RunInput run =
        DB.startedRun(scenarioId, DB.agent(agent), model(), settings(false, 5, FAST_RETRY));
    DB.say(run, 0, Turn.USER, "Where is my parcel?");
    AGENT.stubFor(
        post(urlPathEqualTo("/cognigy/abc123"))
            .willReturn(
                json(
                    """
        {"text": "Let me check.", "data": {}, "userId": "user-42", "sessionId": "s",
         "outputStack": [
           {"text": "Let me check.", "data": {"step": 1}, "source": "bot"},
           {"text": "", "data": {"_cognigy": {"_default": {"_quickReplies": {"type": "quickReplies"}}}}, "source": "bot"},
           {"text": "Your parcel ships tomorrow.", "data": {"eta": "tomorrow"}, "source": "bot"}
         ]}""")));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(2, false));
    AGENT.verify(
        postRequestedFor(urlPathEqualTo("/cognigy/abc123"))
            .withHeader("X-Token", equalTo("t-secret"))
            .withHeader("Idempotency-Key", equalTo(run.runId() + ":1"))
            .withRequestBody(
                equalToJson(
                    """
            {"userId": "user-42", "sessionId": "%s", "text": "Where is my parcel?",
             "data": {"plan": "gold", "entrypoint": "main", "localeReferenceId": "en-US"}}"""
                        .formatted(run.runId()))));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::role, Turn::text)
        .containsExactly(
            tuple("user", "Where is my parcel?"),
            tuple("agent", "Let me check.\nYour parcel ships tomorrow."));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> outputs =
        (List<Map<String, Object>>) turns.get(1).data().get("outputs");
    assertThat(outputs).hasSize(3);
    assertThat(outputs.get(2))
        .isEqualTo(
            Map.of("text", "Your parcel ships tomorrow.", "data", Map.of("eta", "tomorrow")));
  }

  @Test
  void aCognigyEndpointFailingIsClassifiedLikeAnyAgent() {
    AgentSpec agent =
        new AgentSpec(
            "Cognigy bot",
            "cognigy-rest",
            new CognigyRestAgentConfig(AGENT.baseUrl() + "/cognigy/down", null, 2_000));
    RunInput run =
        DB.startedRun(scenarioId, DB.agent(agent), model(), settings(false, 5, FAST_RETRY));
    DB.say(run, 0, Turn.USER, "Hi");
    AGENT.stubFor(post(urlPathEqualTo("/cognigy/down")).willReturn(aResponse().withStatus(503)));
    ApplicationFailure unavailable =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.agentTurn(new TurnRequest(run, 1, 1)));
    assertThat(unavailable.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(unavailable.isNonRetryable()).isFalse();

    AGENT.stubFor(post(urlPathEqualTo("/cognigy/down")).willReturn(aResponse().withStatus(401)));
    ApplicationFailure rejected =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.agentTurn(new TurnRequest(run, 1, 1)));
    assertThat(rejected.isNonRetryable()).isTrue();
    assertThat(rejected.getOriginalMessage()).isEqualTo("The agent answered HTTP 401");
  }

  // --- http with mocking ---------------------------------------------------------------------

  @Test
  void anHttpAgentIsToldAboutMockingByHeaderAndBody() {
    RunInput run =
        DB.startedRun(
            scenarioId,
            DB.agent(agentConfig(AGENT.baseUrl(), 2_000)),
            model(),
            mocked(Map.of("lookup_order", new ToolOverride(Map.of("status", "shipped"), null, 0))));
    DB.say(run, 0, Turn.USER, "Status?");
    AGENT.stubFor(agentCall().willReturn(agentReply("Shipped.", false)));

    activities.agentTurn(new TurnRequest(run, 1, 1));

    AGENT.verify(
        postRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withHeader(HttpAgentConnector.MOCKING_HEADER, equalTo("true"))
            .withRequestBody(
                equalToJson(
                    """
            {"mocking": {"enabled": true, "toolOverrides": {"lookup_order": {"output": {"status": "shipped"}, "delayMs": 0}}}}""",
                    true,
                    true)));
  }

  @Test
  void anHttpAgentWithoutMockingGetsNeitherHeaderNorField() {
    RunInput run =
        DB.startedRun(
            scenarioId,
            DB.agent(agentConfig(AGENT.baseUrl(), 2_000)),
            model(),
            settings(false, 5, FAST_RETRY));
    DB.say(run, 0, Turn.USER, "Status?");
    AGENT.stubFor(agentCall().willReturn(agentReply("Shipped.", false)));

    activities.agentTurn(new TurnRequest(run, 1, 1));

    AGENT.verify(
        postRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withHeader(HttpAgentConnector.MOCKING_HEADER, absent())
            .withRequestBody(matchingJsonPath("$.mocking", absent())));
  }

  // --- openai-chat ---------------------------------------------------------------------------

  static final List<Tool> TOOLS =
      List.of(
          new Tool(
              "lookup_order",
              "Finds an order by its number",
              Map.of(
                  "type",
                  "object",
                  "properties",
                  Map.of("orderId", Map.of("type", "string")),
                  "required",
                  List.of("orderId"))),
          new Tool("refund", "Refunds an order", null));

  private RunInput chatRun(RunSettings settings) {
    AgentSpec agent =
        new AgentSpec(
            "Chat bot",
            "openai-chat",
            new OpenAiChatAgentConfig(model(), "You are Acme's support agent.", TOOLS));
    return DB.startedRun(scenarioId, DB.agent(agent), model(), settings);
  }

  /** The model calls {@code lookup_order} first, answers text once it has a tool result. */
  private static void modelCallsLookupThenAnswers() {
    AGENT.stubFor(
        chatCompletions()
            .atPriority(2)
            .willReturn(
                ActivitiesTestSupport.toolCalls(
                    "call_1", "lookup_order", "{\"orderId\":\"A-17\"}")));
    AGENT.stubFor(
        chatCompletions()
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
            .willReturn(completion("Your order A-17 has shipped.")));
  }

  @Test
  void aChatAgentsToolCallIsAnsweredFromTheOverrideAndStoredAsAToolTurn() {
    RunInput run =
        chatRun(
            mocked(Map.of("lookup_order", new ToolOverride(Map.of("status", "shipped"), null, 0))));
    DB.say(run, 0, Turn.USER, "Where is order A-17?");
    modelCallsLookupThenAnswers();

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(3, false));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::sequence, Turn::role)
        .containsExactly(tuple(0, "user"), tuple(1, "tool"), tuple(2, "agent"));
    assertThat(turns.get(1).data())
        .containsEntry("name", "lookup_order")
        .containsEntry("arguments", Map.of("orderId", "A-17"))
        .containsEntry("result", Map.of("status", "shipped"))
        .doesNotContainKey("error");
    assertThat(turns.get(2).text()).isEqualTo("Your order A-17 has shipped.");

    List<LoggedRequest> requests = AGENT.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)));
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).getBodyAsString())
        .contains("\"lookup_order\"", "Finds an order by its number", "\"orderId\"");
    List<Map<String, Object>> second = chatMessages(requests.get(1));
    assertThat(second)
        .extracting(m -> m.get("role"))
        .containsExactly("system", "user", "assistant", "tool");
    assertThat(second.get(0).get("content")).isEqualTo("You are Acme's support agent.");
    assertThat(second.get(3))
        .containsEntry("tool_call_id", "call_1")
        .containsEntry("content", "{\"status\":\"shipped\"}");
    // The agent's model calls are the agent's cost, not the simulator's.
    assertThat(
            DB.llmCalls
                .usageOfRuns(List.of(UUID.fromString(run.runId())))
                .getOrDefault(UUID.fromString(run.runId()), Usage.NONE)
                .total()
                .calls())
        .isZero();
  }

  @Test
  void aToolOverrideErrorAndAMissingOverrideAnswerTheModelWithErrors() {
    RunInput withError =
        chatRun(mocked(Map.of("lookup_order", new ToolOverride(null, "order service down", 0))));
    DB.say(withError, 0, Turn.USER, "Where is order A-17?");
    modelCallsLookupThenAnswers();
    activities.agentTurn(new TurnRequest(withError, 1, 1));
    Turn errorTurn = DB.turns(withError).get(1);
    assertThat(errorTurn.data())
        .containsEntry("error", "order service down")
        .doesNotContainKey("result");
    assertThat(
            chatMessages(AGENT.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH))).get(1)).get(3))
        .containsEntry("content", "{\"error\":\"order service down\"}");

    AGENT.resetRequests();
    RunInput unmocked = chatRun(settings(false, 5, FAST_RETRY));
    DB.say(unmocked, 0, Turn.USER, "Where is order A-17?");
    activities.agentTurn(new TurnRequest(unmocked, 1, 1));
    assertThat(DB.turns(unmocked).get(1).data()).containsEntry("error", "tool not mocked");
  }

  @Test
  void aToolsDelayIsLeftToTheWorkflowAndTheNextCallContinuesTheTurn() {
    RunInput run =
        chatRun(
            mocked(
                Map.of(
                    "lookup_order", new ToolOverride(Map.of("status", "shipped"), null, 5_000))));
    DB.say(run, 0, Turn.USER, "Where is order A-17?");
    modelCallsLookupThenAnswers();

    long started = System.nanoTime();
    TurnResult waiting = activities.agentTurn(new TurnRequest(run, 1, 1));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(5_000));
    assertThat(waiting).isEqualTo(new TurnResult(2, false, 5_000));
    assertThat(DB.turns(run)).extracting(Turn::role).containsExactly("user", "tool");

    TurnResult done = activities.agentTurn(new TurnRequest(run, waiting.nextSequence(), 1));

    assertThat(done).isEqualTo(new TurnResult(3, false));
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(
            tuple("user", "Where is order A-17?"),
            tuple("tool", "lookup_order → {\"status\":\"shipped\"}"),
            tuple("agent", "Your order A-17 has shipped."));
  }

  @Test
  void aModelThatNeverStopsCallingToolsIsAnAgentError() {
    RunInput run = chatRun(mocked(Map.of()));
    DB.say(run, 0, Turn.USER, "Loop");
    AGENT.stubFor(
        chatCompletions().willReturn(ActivitiesTestSupport.toolCalls("call_x", "refund", "{}")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.agentTurn(new TurnRequest(run, 1, 1)));

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
    // The turn's calls are stored with it or not at all: a failed turn leaves nothing half-written.
    assertThat(DB.turns(run)).extracting(Turn::role).containsExactly(Turn.USER);
    assertThat(AGENT.getAllServeEvents()).hasSize(OpenAiChatAgent.MAX_TOOL_CALLS_PER_TURN + 1);
  }

  @Test
  void aFailingModelIsTheAgentsFailure() {
    RunInput run = chatRun(mocked(Map.of()));
    DB.say(run, 0, Turn.USER, "Hi");
    AGENT.stubFor(
        chatCompletions()
            .willReturn(
                ActivitiesTestSupport.openAiError(
                    401, "invalid_request_error", "Incorrect API key provided")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.agentTurn(new TurnRequest(run, 1, 1)));

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
  }
}
