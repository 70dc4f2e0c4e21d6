package dev.agentsim.activities.user;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.chatMessages;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.openAiError;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.simulated;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Activities;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulated user: the script, and an LLM (WireMock speaking the OpenAI API) playing the
 * persona, inside real conversations on Temporal where retries matter.
 */
class SimulatedUserActivitiesTest {

  /** Short, so the slow-model case is quick; far above what a local reply takes. */
  private static final Duration LLM_TIMEOUT = Duration.ofSeconds(2);

  private static final RetrySettings RETRY = new RetrySettings(2, 10, 10);

  @RegisterExtension static final Database DB = new Database();

  /** Plays both the agent and the model. */
  @RegisterExtension static final WireMockExtension SERVER = wireMock();

  private static Activities activities;
  private static Temporal temporal;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    activities = DB.activities(LLM_TIMEOUT);
    temporal = Temporal.start(DB, activities);
    agentId = DB.agent(agentConfig(SERVER.baseUrl(), 2_000));
    modelId = DB.model(SERVER.baseUrl());
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private RunInput llmRun() {
    return DB.newRun(
        DB.scenario(simulated(List.of())), agentId, modelId, settings(false, 5, RETRY));
  }

  /** The simulated user's calls to the model. */
  private static List<LoggedRequest> llmRequests() {
    return SERVER.findAll(
        postRequestedFor(urlPathEqualTo(CHAT_PATH))
            .withRequestBody(notContaining(EXPERIENCE_QUESTION)));
  }

  private static final String EXPERIENCE_QUESTION = "how the user experienced it";

  /**
   * A run with an LLM persona ends with the model reading the user's experience: a sentiment and
   * summary.
   */
  @BeforeEach
  void modelReadsTheExperience() {
    SERVER.stubFor(
        chatCompletions()
            .atPriority(1)
            .withRequestBody(containing(EXPERIENCE_QUESTION))
            .willReturn(
                completion(
                    "{\"sentiment\": \"positive\", \"summary\": \"The user got what they came for.\"}")));
  }

  private static List<LoggedRequest> agentRequests() {
    return SERVER.findAll(postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void scriptedUserSaysItsLinesAndEndsAfterTheLast() {
    RunInput run =
        DB.newRun(
            DB.scenario(scripted(List.of(), "Hi, I need to change my address", "Thanks, bye")),
            agentId,
            modelId,
            settings(false, 10, RETRY));
    SERVER.stubFor(agentCall().willReturn(agentReply("Sure, done.", false)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    assertThat(DB.turns(run))
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, "user", "Hi, I need to change my address"),
            tuple(1, "agent", "Sure, done."),
            tuple(2, "user", "Thanks, bye"),
            tuple(3, "agent", "Sure, done."));
    assertThat(llmRequests()).isEmpty();
  }

  @Test
  void aForkSaysTheOriginalsUserMessagesAgainInItsOwnSessionThenTheScriptGoesOn() {
    UUID scenarioId =
        DB.scenario(scripted(List.of(), "Line one", "Line two", "Line three", "Line four"));
    RunInput original = DB.startedRun(scenarioId, agentId, modelId, settings(false, 10, RETRY));
    DB.say(original, 0, "user", "I moved last week");
    DB.say(original, 1, "agent", "What is your new address?");
    DB.say(original, 2, "user", "12 Rua Augusta, Lisbon");
    DB.say(original, 3, "agent", "Noted.");
    DB.say(original, 4, "user", "This line is not replayed");
    RunSettings.Fork fork = new RunSettings.Fork(original.runId(), 4, 2);
    RunInput forked =
        DB.newRun(
            scenarioId,
            agentId,
            modelId,
            new RunSettings(
                false,
                3,
                100,
                0,
                new RunSettings.Session("user-42", "main", "en-US", Map.of()),
                RETRY,
                null,
                null,
                null,
                null,
                true,
                fork));
    SERVER.stubFor(agentCall().willReturn(agentReply("Sure.", false)));

    RunOutcome outcome = temporal.converse(forked);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    List<Turn> turns = DB.turns(forked);
    assertThat(turns)
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, "user", "I moved last week"),
            tuple(1, "agent", "Sure."),
            tuple(2, "user", "12 Rua Augusta, Lisbon"),
            tuple(3, "agent", "Sure."),
            tuple(4, "user", "Line three"),
            tuple(5, "agent", "Sure."));
    assertThat(turns.get(0).data()).isEqualTo(Map.of("replayed", true));
    assertThat(turns.get(4).data()).isNull();
    assertThat(agentRequests())
        .extracting(request -> ActivitiesTestSupport.JSON.readTree(request.getBodyAsString()))
        .extracting(body -> body.get("sessionId").asString(), body -> body.get("text").asString())
        .containsExactly(
            tuple(forked.runId(), "I moved last week"),
            tuple(forked.runId(), "12 Rua Augusta, Lisbon"),
            tuple(forked.runId(), "Line three"));
    assertThat(DB.stored(forked).userPromptVersion())
        .isEqualTo(SimulatedUserActivitiesImpl.SCRIPT_VERSION);
  }

  @Test
  void scriptPastItsEndStoresNothing() {
    RunInput run =
        DB.startedRun(
            DB.scenario(scripted(List.of(), "Only line")),
            agentId,
            modelId,
            settings(false, 10, RETRY));

    TurnResult result = activities.user().userTurn(new TurnRequest(run, 2, 1));

    assertThat(result).isEqualTo(new TurnResult(2, true));
    assertThat(DB.turns(run)).isEmpty();
  }

  @Test
  void llmUserPlaysThePersonaWithSwappedRolesAndStopsAtTheSignal() {
    RunInput run = llmRun();
    SERVER.stubFor(
        chatCompletions()
            .inScenario("user")
            .whenScenarioStateIs(STARTED)
            .willReturn(completion("Hi, my order 1234 arrived broken. I want a refund.", 180, 14))
            .willSetStateTo("asked"));
    SERVER.stubFor(
        chatCompletions()
            .inScenario("user")
            .whenScenarioStateIs("asked")
            .willReturn(completion("Great, thanks! ###STOP###", 230, 6)));
    SERVER.stubFor(
        agentCall()
            .willReturn(agentReply("I'm sorry! I've issued a refund for order 1234.", false)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::role, Turn::text)
        .containsExactly(
            tuple("user", "Hi, my order 1234 arrived broken. I want a refund."),
            tuple("agent", "I'm sorry! I've issued a refund for order 1234."),
            tuple("user", "Great, thanks!"));
    assertThat(turns.get(0).data()).isEqualTo(Map.of("inputTokens", 180, "outputTokens", 14));
    assertThat(turns.get(2).data()).isEqualTo(Map.of("inputTokens", 230, "outputTokens", 6));

    List<LoggedRequest> requests = llmRequests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer sk-test-key");
    List<Map<String, Object>> first = chatMessages(requests.get(0));
    assertThat(first).extracting(message -> message.get("role")).containsExactly("system", "user");
    assertThat((String) first.get(0).get("content"))
        .contains(
            "Dana Whitfield",
            "A busy nurse",
            "Get a refund for order 1234",
            "###STOP###",
            "You are the USER, not the assistant");
    assertThat(first.get(1).get("content")).isEqualTo(UserPrompt.OPENING);
    List<Map<String, Object>> second = chatMessages(requests.get(1));
    assertThat(second)
        .extracting(message -> message.get("role"), message -> message.get("content"))
        .containsExactly(
            tuple("system", first.get(0).get("content")),
            tuple("assistant", "Hi, my order 1234 arrived broken. I want a refund."),
            tuple("user", "I'm sorry! I've issued a refund for order 1234."));
  }

  @Test
  void signalAloneEndsWithoutAMessage() {
    RunInput run =
        DB.startedRun(
            DB.scenario(simulated(List.of())), agentId, modelId, settings(false, 5, RETRY));
    DB.say(run, 0, Turn.USER, "Can you cancel my order?");
    DB.say(run, 1, Turn.AGENT, "Done, it is cancelled.");
    SERVER.stubFor(chatCompletions().willReturn(completion("### stop ###")));

    TurnResult result = activities.user().userTurn(new TurnRequest(run, 2, 1));

    assertThat(result).isEqualTo(new TurnResult(2, true));
    assertThat(DB.turns(run)).hasSize(2);
  }

  @Test
  void serverErrorIsRetriedAndTheMessageStoredOnce() {
    RunInput run = llmRun();
    SERVER.stubFor(
        chatCompletions()
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                openAiError(
                    500, "server_error", "The server had an error while processing your request."))
            .willSetStateTo("recovered"));
    SERVER.stubFor(
        chatCompletions()
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(completion("Where is my order 1234?"))
            .willSetStateTo("answered"));
    SERVER.stubFor(
        chatCompletions()
            .inScenario("flaky")
            .whenScenarioStateIs("answered")
            .willReturn(completion("Never mind, I found it myself. ###STOP###")));
    SERVER.stubFor(agentCall().willReturn(agentReply("Let me check.", false)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    assertThat(llmRequests()).hasSize(3);
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(
            tuple("user", "Where is my order 1234?"),
            tuple("agent", "Let me check."),
            tuple("user", "Never mind, I found it myself."));
    assertThat(agentRequests()).hasSize(1);
  }

  @Test
  void slowModelEndsInProviderErrorAfterRetries() {
    RunInput run = llmRun();
    SERVER.stubFor(chatCompletions().willReturn(completion("too late").withFixedDelay(4_000)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.LLM_PROVIDER_ERROR));
    Run stored = DB.stored(run);
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    assertThat(stored.errorMessage()).isEqualTo("The model did not answer within 2 s");
    assertThat(llmRequests()).hasSize(RETRY.maxAttempts());
    assertThat(stored.turns()).isEmpty();
  }

  @Test
  void rejectedKeyIsNotRetried() {
    RunInput run = llmRun();
    SERVER.stubFor(
        chatCompletions()
            .willReturn(
                openAiError(
                    401, "invalid_request_error", "Incorrect API key provided: sk-test-***-key.")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.LLM_PROVIDER_ERROR));
    assertThat(DB.stored(run).errorMessage()).contains("rejected the credentials", "API key");
    assertThat(llmRequests()).hasSize(1);
  }

  @Test
  void malformedCompletionIsAProviderError() {
    RunInput run = llmRun();
    SERVER.stubFor(
        chatCompletions()
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\": \"chatcmpl-1\", \"choices\": [{")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_ERROR, ErrorCategory.LLM_PROVIDER_ERROR));
    assertThat(DB.stored(run).errorMessage())
        .isEqualTo("The model provider's reply is not a valid chat completion");
    assertThat(llmRequests()).hasSize(1);
  }

  @Test
  void classifiesProviderFailuresForRetry() {
    RunInput run =
        DB.startedRun(
            DB.scenario(simulated(List.of())), agentId, modelId, settings(false, 5, RETRY));
    SERVER.stubFor(
        chatCompletions().willReturn(openAiError(429, "requests", "Rate limit reached")));
    ApplicationFailure rateLimited =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.user().userTurn(new TurnRequest(run, 0, 0)));
    SERVER.stubFor(
        chatCompletions()
            .willReturn(
                openAiError(404, "invalid_request_error", "The model `gpt-9` does not exist")));
    ApplicationFailure unknownModel =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.user().userTurn(new TurnRequest(run, 0, 0)));
    SERVER.stubFor(
        chatCompletions().willReturn(openAiError(400, "invalid_request_error", "bad temperature")));
    ApplicationFailure badRequest =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.user().userTurn(new TurnRequest(run, 0, 0)));

    assertThat(List.of(rateLimited, unknownModel, badRequest))
        .extracting(ApplicationFailure::getType)
        .containsOnly("LLM_PROVIDER_ERROR");
    assertThat(rateLimited.isNonRetryable()).isFalse();
    assertThat(rateLimited.getOriginalMessage()).contains("rate limiting");
    assertThat(unknownModel.isNonRetryable()).isTrue();
    assertThat(unknownModel.getOriginalMessage()).contains("check the base URL and model name");
    assertThat(badRequest.isNonRetryable()).isTrue();
    assertThat(badRequest.getOriginalMessage())
        .isEqualTo("The model provider rejected the request (HTTP 400)");
  }
}
