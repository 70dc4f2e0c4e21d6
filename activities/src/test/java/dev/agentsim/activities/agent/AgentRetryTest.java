package dev.agentsim.activities.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent connector inside real conversations on Temporal: the script user says one line, the
 * agent (WireMock) answers, and failures go through Temporal's retries and the workflow's
 * classification into the stored run.
 */
class AgentRetryTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension AGENT = wireMock();

  private static Temporal temporal;
  private static UUID scenarioId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    temporal = Temporal.start(DB, DB.activities(Duration.ofSeconds(5)));
    scenarioId =
        DB.scenario(
            scripted(
                List.of(criterion("contains", Map.of("value", "refund"))),
                "I want a refund for order 1234"));
    modelId = DB.model("http://localhost:1");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private RunInput run(int timeoutMs) {
    return DB.newRun(
        scenarioId,
        DB.agent(agentConfig(AGENT.baseUrl(), timeoutMs)),
        modelId,
        settings(false, 5, FAST_RETRY));
  }

  private static List<LoggedRequest> agentRequests() {
    return AGENT.findAll(postRequestedFor(urlPathEqualTo(AGENT_PATH)));
  }

  @Test
  void happyPath() {
    RunInput run = run(2_000);
    AGENT.stubFor(
        agentCall().willReturn(agentReply("Your refund for order 1234 is on its way.", false)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    Run stored = DB.stored(run);
    assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(stored.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(stored.results())
        .singleElement()
        .satisfies(result -> assertThat(result.passed()).isTrue());
    assertThat(stored.turns())
        .extracting(Turn::sequence, Turn::role, Turn::text)
        .containsExactly(
            tuple(0, "user", "I want a refund for order 1234"),
            tuple(1, "agent", "Your refund for order 1234 is on its way."));
    assertThat(agentRequests()).hasSize(1);
  }

  @Test
  void serverErrorIsRetriedWithTheSameIdempotencyKey() {
    RunInput run = run(2_000);
    failOnceWith(aResponse().withStatus(503).withBody("upstream overloaded"));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    List<LoggedRequest> requests = agentRequests();
    assertThat(requests).hasSize(2);
    assertThat(requests)
        .extracting(request -> request.getHeader("Idempotency-Key"))
        .containsExactly(run.runId() + ":1", run.runId() + ":1");
    assertThat(DB.stored(run).turns())
        .filteredOn(turn -> turn.role().equals(Turn.AGENT))
        .hasSize(1);
  }

  @Test
  void rateLimitIsRetriedAfterTheRetryAfterDelay() {
    RunInput run = run(2_000);
    failOnceWith(aResponse().withStatus(429).withHeader("Retry-After", "1"));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    List<LoggedRequest> requests = agentRequests();
    assertThat(requests).hasSize(2);
    long waited =
        requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
    assertThat(waited).as("ms between the attempts").isGreaterThanOrEqualTo(900);
  }

  @Test
  void slowAgentEndsInAgentTimeoutAfterRetries() {
    RunInput run = run(300);
    AGENT.stubFor(agentCall().willReturn(agentReply("too late", false).withFixedDelay(1_500)));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.AGENT_ERROR, ErrorCategory.AI_AGENT_TIMEOUT));
    Run stored = DB.stored(run);
    assertThat(stored.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.AI_AGENT_TIMEOUT);
    assertThat(stored.errorMessage()).isEqualTo("The agent did not answer within 300 ms");
    assertThat(agentRequests()).hasSize(FAST_RETRY.maxAttempts());
    assertThat(stored.turns()).extracting(Turn::role).containsExactly("user");
  }

  @Test
  void clientErrorIsNotRetried() {
    RunInput run = run(2_000);
    AGENT.stubFor(
        agentCall()
            .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"no such bot\"}")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.AGENT_ERROR, ErrorCategory.AI_AGENT_ERROR));
    assertThat(DB.stored(run).errorMessage()).isEqualTo("The agent answered HTTP 404");
    assertThat(agentRequests()).hasSize(1);
  }

  @Test
  void malformedReplyIsAnAgentError() {
    RunInput run = run(2_000);
    AGENT.stubFor(
        agentCall()
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"text\": \"unterminated")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.AGENT_ERROR, ErrorCategory.AI_AGENT_ERROR));
    Run stored = DB.stored(run);
    assertThat(stored.errorMessage()).isEqualTo("The agent's reply is not valid JSON");
    assertThat(stored.results()).isEmpty();
    assertThat(agentRequests()).hasSize(1);
  }

  /** The first agent call fails as given, the next one answers. */
  private static void failOnceWith(ResponseDefinitionBuilder failure) {
    AGENT.stubFor(
        agentCall()
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(failure)
            .willSetStateTo("recovered"));
    AGENT.stubFor(
        agentCall()
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(agentReply("Your refund is on its way.", false)));
  }
}
