package dev.agentsim.activities.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.json;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.run.AgentActivities.Exchange;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
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
 * The HTTP connector called directly (no Temporal): request contract, reply reading,
 * classification.
 */
class AgentActivitiesTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension AGENT = wireMock();

  private static AgentActivitiesImpl activities;
  private static UUID scenarioId;
  private static UUID modelId;

  @BeforeAll
  static void wire() {
    activities = DB.activities(Duration.ofSeconds(5)).agent();
    scenarioId = DB.scenario(scripted(List.of(), "Hello"));
    modelId = DB.model("http://localhost:1");
  }

  private RunInput run(HttpAgentConfig config, boolean agentSpeaksFirst) {
    return DB.startedRun(
        scenarioId, DB.agent(config), modelId, settings(agentSpeaksFirst, 5, FAST_RETRY));
  }

  private HttpAgentConfig config() {
    return agentConfig(AGENT.baseUrl(), 2_000);
  }

  @Test
  void sendsTheDefaultContractAndStoresTheReply() {
    RunInput run = run(config(), false);
    DB.say(run, 0, Turn.USER, "My order arrived broken");
    AGENT.stubFor(
        agentCall()
            .willReturn(
                json(
                    """
        {"text": "Sorry to hear that! What is the order number?", "data": {"intent": "refund"}, "ended": false}""")));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(2, false));
    AGENT.verify(
        postRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader("Authorization", equalTo("Bearer agent-secret"))
            .withHeader("Idempotency-Key", equalTo(run.runId() + ":1"))
            .withRequestBody(
                equalToJson(
                    """
            {"sessionId": "%s", "userId": "user-42", "text": "My order arrived broken", "data": {"plan": "gold"},
             "turn": 1, "entrypoint": "main", "locale": "en-US"}"""
                        .formatted(run.runId()))));
    List<Turn> turns = DB.turns(run);
    assertThat(turns).hasSize(2);
    Turn agent = turns.get(1);
    assertThat(agent.sequence()).isEqualTo(1);
    assertThat(agent.role()).isEqualTo(Turn.AGENT);
    assertThat(agent.text()).isEqualTo("Sorry to hear that! What is the order number?");
    assertThat(agent.data()).isEqualTo(Map.of("intent", "refund"));
    assertThat(agent.latencyMs()).isNotNull().isGreaterThanOrEqualTo(0);
  }

  @Test
  void aScriptedExchangeStoresTheLineThenTheAnswerAndARetryAsksTheAgentOnly() {
    UUID twoLines = DB.scenario(scripted(List.of(), "My order arrived broken", "It is order 1234"));
    RunInput run =
        DB.startedRun(twoLines, DB.agent(config()), modelId, settings(false, 5, FAST_RETRY));
    AGENT.stubFor(
        agentCall()
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    AGENT.stubFor(
        agentCall()
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(agentReply("Which order?", false)));

    ApplicationFailure failed =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.scriptedExchange(new TurnRequest(run, 0, 0)));
    Exchange exchange = activities.scriptedExchange(new TurnRequest(run, 0, 0));

    assertThat(failed.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(exchange)
        .isEqualTo(new Exchange(new TurnResult(1, false), new TurnResult(2, false)));
    assertThat(DB.turns(run))
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, Turn.USER, "My order arrived broken"), tuple(1, Turn.AGENT, "Which order?"));
    AGENT.verify(
        2,
        postRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withRequestBody(
                equalToJson("{\"text\": \"My order arrived broken\", \"turn\": 1}", true, true)));
  }

  @Test
  void aScriptedExchangeRetriedAfterItsAnswerWasStoredAsksTheAgentNothing() {
    UUID oneLine = DB.scenario(scripted(List.of(), "Where is my parcel?"));
    RunInput run =
        DB.startedRun(oneLine, DB.agent(config()), modelId, settings(false, 5, FAST_RETRY));
    AGENT.stubFor(agentCall().willReturn(agentReply("On its way.", false)));

    Exchange first = activities.scriptedExchange(new TurnRequest(run, 0, 0));
    Exchange retried = activities.scriptedExchange(new TurnRequest(run, 0, 0));

    assertThat(retried)
        .isEqualTo(first)
        .isEqualTo(new Exchange(new TurnResult(1, false), new TurnResult(2, false)));
    assertThat(DB.turns(run))
        .extracting(Turn::text)
        .containsExactly("Where is my parcel?", "On its way.");
    AGENT.verify(1, postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void aScriptedLineThatEndsTheScriptAsksTheAgentNothing() {
    UUID oneLine = DB.scenario(scripted(List.of(), "Bye"));
    RunInput run =
        DB.startedRun(oneLine, DB.agent(config()), modelId, settings(false, 5, FAST_RETRY));

    Exchange exchange = activities.scriptedExchange(new TurnRequest(run, 2, 1));

    assertThat(exchange).isEqualTo(new Exchange(new TurnResult(2, true), null));
    AGENT.verify(0, postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void aScriptedLineThatFillsTheRunAsksTheAgentNothing() {
    UUID oneLine = DB.scenario(scripted(List.of(), "Last words"));
    RunSettings base = settings(false, 5, FAST_RETRY);
    RunSettings oneMessage = new RunSettings(false, 5, 1, 0, base.session(), FAST_RETRY);
    RunInput run = DB.startedRun(oneLine, DB.agent(config()), modelId, oneMessage);

    Exchange exchange = activities.scriptedExchange(new TurnRequest(run, 0, 0));

    assertThat(exchange).isEqualTo(new Exchange(new TurnResult(1, false), null));
    assertThat(DB.turns(run)).extracting(Turn::text).containsExactly("Last words");
    AGENT.verify(0, postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void sendsNoTextWhenTheAgentSpeaksFirst() {
    RunInput run = run(config(), true);
    AGENT.stubFor(agentCall().willReturn(agentReply("Welcome to Acme support!", false)));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 0, 0));

    assertThat(result).isEqualTo(new TurnResult(1, false));
    AGENT.verify(
        postRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withRequestBody(equalToJson("{\"text\": null, \"turn\": 0}", true, true)));
    assertThat(DB.turns(run)).extracting(Turn::text).containsExactly("Welcome to Acme support!");
  }

  @Test
  void storesEachTextOfAnArrayAsOneTurn() {
    RunInput run = run(config(), false);
    DB.say(run, 0, Turn.USER, "Bye");
    AGENT.stubFor(
        agentCall()
            .willReturn(
                json(
                    """
        {"text": ["Thanks for contacting us.", "Have a great day!"], "data": {"csat": true}, "ended": true}""")));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(3, true));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, "user", "Bye"),
            tuple(1, "agent", "Thanks for contacting us."),
            tuple(2, "agent", "Have a great day!"));
    assertThat(turns.get(1).data()).isEqualTo(Map.of("csat", true));
    assertThat(turns.get(1).latencyMs()).isNotNull();
    assertThat(turns.get(2).data()).isNull();
    assertThat(turns.get(2).latencyMs()).isNull();
  }

  @Test
  void rendersTheRequestTemplateAndReadsTheReplyWithJsonPath() {
    String template =
        """
        {"message": {"content": "{{text}}", "conversation": "{{ sessionId }}"},
         "user": {{userId}}, "context": {{data}}, "step": {{turn}}, "note": "turn {{turn}} of {{userId}}"}""";
    HttpAgentConfig config =
        new HttpAgentConfig(
            AGENT.baseUrl() + AGENT_PATH,
            "PUT",
            Map.of("X-Api-Key", "k-123"),
            2_000,
            template,
            "$.output[*].say",
            "$.session.state",
            "$.status.done");
    RunInput run = run(config, false);
    DB.say(run, 0, Turn.USER, "He said \"hi\"\nand left \\ fast");
    AGENT.stubFor(
        put(urlPathEqualTo(AGENT_PATH))
            .willReturn(
                json(
                    """
        {"output": [{"say": "One moment."}, {"say": "Done: refund issued."}],
         "session": {"state": {"refund": "issued"}}, "status": {"done": "true"}}""")));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(3, true));
    AGENT.verify(
        putRequestedFor(urlPathEqualTo(AGENT_PATH))
            .withHeader("X-Api-Key", equalTo("k-123"))
            .withHeader("Idempotency-Key", equalTo(run.runId() + ":1"))
            .withRequestBody(
                equalToJson(
                    """
            {"message": {"content": "He said \\"hi\\"\\nand left \\\\ fast", "conversation": "%s"},
             "user": "user-42", "context": {"plan": "gold"}, "step": 1, "note": "turn 1 of user-42"}"""
                        .formatted(run.runId()))));
    List<Turn> turns = DB.turns(run);
    assertThat(turns)
        .extracting(Turn::text)
        .containsExactly("He said \"hi\"\nand left \\ fast", "One moment.", "Done: refund issued.");
    assertThat(turns.get(1).data()).isEqualTo(Map.of("refund", "issued"));
  }

  @Test
  void storesOneEmptyTurnWhenTheAgentSaysNothing() {
    RunInput run = run(config(), false);
    DB.say(run, 0, Turn.USER, "Hello?");
    AGENT.stubFor(agentCall().willReturn(json("{\"text\": [], \"ended\": false}")));

    TurnResult result = activities.agentTurn(new TurnRequest(run, 1, 1));

    assertThat(result).isEqualTo(new TurnResult(2, false));
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(tuple("user", "Hello?"), tuple("agent", ""));
  }

  @Test
  void aReplyWithoutTextIsANonRetryableAgentError() {
    RunInput run = run(config(), false);
    AGENT.stubFor(agentCall().willReturn(json("{\"message\": \"hi\"}")));

    ApplicationFailure failure = fail(run);

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent's reply has no text at $.text");
    assertThat(DB.turns(run)).isEmpty();
  }

  @Test
  void aReplyThatIsNotJsonIsANonRetryableAgentError() {
    RunInput run = run(config(), false);
    AGENT.stubFor(
        agentCall()
            .willReturn(aResponse().withStatus(200).withBody("<html>Service Unavailable</html>")));

    ApplicationFailure failure = fail(run);

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent's reply is not valid JSON");
    assertThat(failure.getCause()).hasMessageContaining("<html>Service Unavailable</html>");
  }

  @Test
  void aClientErrorIsNotRetriedAndKeepsSecretsOutOfTheFailure() {
    RunInput run =
        run(
            new HttpAgentConfig(
                AGENT.baseUrl() + AGENT_PATH + "?key=query-secret",
                null,
                Map.of("Authorization", "Bearer agent-secret"),
                2_000,
                null,
                null,
                null,
                null),
            false);
    AGENT.stubFor(
        agentCall().willReturn(aResponse().withStatus(401).withBody("{\"error\": \"bad token\"}")));

    ApplicationFailure failure = fail(run);

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent answered HTTP 401");
    assertThat(failure.getCause())
        .hasMessageContaining("bad token")
        .hasMessageNotContaining("agent-secret")
        .hasMessageNotContaining("query-secret");
  }

  @Test
  void aServerErrorIsRetryableAndHonoursRetryAfter() {
    RunInput run = run(config(), false);
    AGENT.stubFor(
        agentCall().willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));

    ApplicationFailure failure = fail(run);

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent answered HTTP 503");
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    RunInput run = run(config(), false);
    String in30Seconds =
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30));
    AGENT.stubFor(
        agentCall().willReturn(aResponse().withStatus(429).withHeader("Retry-After", in30Seconds)));

    ApplicationFailure failure = fail(run);

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay())
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
  }

  @Test
  void anUnreachableAgentIsRetryable() {
    RunInput run = run(agentConfig("http://127.0.0.1:1", 2_000), false);

    ApplicationFailure failure = fail(run);

    assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent could not be reached");
  }

  @Test
  void aTemplateThatIsNotJsonIsABadConfigurationAndNothingIsSent() {
    HttpAgentConfig unknownPlaceholder =
        new HttpAgentConfig(
            AGENT.baseUrl() + AGENT_PATH,
            null,
            null,
            2_000,
            "{\"q\": \"{{question}}\"}",
            null,
            null,
            null);
    HttpAgentConfig notJson =
        new HttpAgentConfig(
            AGENT.baseUrl() + AGENT_PATH,
            null,
            null,
            2_000,
            "{\"q\": {{text}} \"",
            null,
            null,
            null);
    HttpAgentConfig badPath =
        new HttpAgentConfig(
            AGENT.baseUrl() + AGENT_PATH, null, null, 2_000, null, "$.[[", null, null);
    AGENT.stubFor(agentCall().willReturn(agentReply("hi", false)));

    ApplicationFailure placeholder = fail(run(unknownPlaceholder, false));
    ApplicationFailure invalid = fail(run(notJson, false));
    ApplicationFailure path = fail(run(badPath, false));

    assertThat(placeholder.isNonRetryable()).isTrue();
    assertThat(placeholder.getOriginalMessage()).contains("unknown placeholder {{question}}");
    assertThat(invalid.isNonRetryable()).isTrue();
    assertThat(invalid.getOriginalMessage())
        .isEqualTo("The agent's request template does not produce valid JSON");
    assertThat(path.isNonRetryable()).isTrue();
    assertThat(path.getOriginalMessage()).contains("is not a valid JsonPath expression");
    assertThat(AGENT.findAll(postRequestedFor(urlPathEqualTo(AGENT_PATH)))).isEmpty();
  }

  private static ApplicationFailure fail(RunInput run) {
    return catchThrowableOfType(
        ApplicationFailure.class, () -> activities.agentTurn(new TurnRequest(run, 1, 1)));
  }
}
