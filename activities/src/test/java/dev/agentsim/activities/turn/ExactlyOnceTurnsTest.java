package dev.agentsim.activities.turn;

import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport.Activities;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A party's turn happens once, whatever Temporal retries: attempts of one turn, called directly as
 * Temporal would call them (one after another, or overlapping when an attempt outlives its
 * timeout), against the real store and an agent played by WireMock.
 */
class ExactlyOnceTurnsTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension AGENT = wireMock();

  private static Activities activities;
  private static UUID scenarioId;
  private static UUID modelId;

  @BeforeAll
  static void wire() {
    activities = DB.activities(Duration.ofSeconds(5));
    scenarioId = DB.scenario(scripted(List.of(), "Hi", "Bye"));
    modelId = DB.model("http://localhost:1");
  }

  /** A started run whose user said "Hi" at 0. */
  private RunInput run() {
    RunInput run =
        DB.startedRun(
            scenarioId,
            DB.agent(agentConfig(AGENT.baseUrl(), 5_000)),
            modelId,
            settings(false, 5, FAST_RETRY));
    DB.say(run, 0, Turn.USER, "Hi");
    return run;
  }

  /** The agent's turn at sequence 1 with ids only, as the workflow asks for it. */
  private static TurnResult agentTurn(RunInput run) {
    return activities.agent().agentTurn(new TurnRequest(run.withoutSettings(), 1, 1));
  }

  @Test
  void aRetryAfterTheReplyWasStoredDoesNotCallTheAgentAgain() {
    RunInput run = run();
    AGENT.stubFor(agentCall().willReturn(agentReply("Hello there", false)));

    TurnResult first = agentTurn(run);
    TurnResult retry = agentTurn(run);

    assertThat(retry).isEqualTo(first).isEqualTo(new TurnResult(2, false));
    assertThat(AGENT.getAllServeEvents()).as("calls to the agent").hasSize(1);
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(tuple("user", "Hi"), tuple("agent", "Hello there"));
  }

  @Test
  void anAttemptOvertakenByItsRetryWritesNothingLate() {
    RunInput run = run();
    // Attempt 1's call is slow (it outlives its attempt); attempt 2's answers at once.
    AGENT.stubFor(
        agentCall()
            .inScenario("overtaken")
            .whenScenarioStateIs(STARTED)
            .willReturn(agentReply("late reply of attempt 1", false).withFixedDelay(1_500))
            .willSetStateTo("retried"));
    AGENT.stubFor(
        agentCall()
            .inScenario("overtaken")
            .whenScenarioStateIs("retried")
            .willReturn(agentReply("reply of attempt 2", false)));

    CompletableFuture<TurnResult> overtaken = CompletableFuture.supplyAsync(() -> agentTurn(run));
    waitForRequests(1);
    TurnResult retry = agentTurn(run);
    TurnResult late = overtaken.join();

    assertThat(late).as("the late attempt gets what its retry stored").isEqualTo(retry);
    assertThat(DB.turns(run))
        .extracting(Turn::sequence, Turn::text)
        .containsExactly(tuple(0, "Hi"), tuple(1, "reply of attempt 2"));
  }

  @Test
  void aRunStoppedMidCallGetsNoTurnAfterItIsFinal() {
    RunInput run = run();
    AGENT.stubFor(agentCall().willReturn(agentReply("too late", false).withFixedDelay(1_000)));

    CompletableFuture<TurnResult> inFlight = CompletableFuture.supplyAsync(() -> agentTurn(run));
    waitForRequests(1);
    activities
        .run()
        .recordStopped(
            new Conclusion(run, TerminationReason.CANCELLED, ErrorCategory.NONE, null, null, 1));
    TurnResult late = inFlight.join();

    assertThat(late.ended()).as("the call's result is not the conversation's").isTrue();
    Run stopped = DB.stored(run);
    assertThat(stopped.status()).isEqualTo(RunStatus.STOPPED);
    assertThat(DB.turns(run)).extracting(Turn::text).containsExactly("Hi");
    assertThat(agentTurn(run).ended()).as("a retry of a final run calls nobody").isTrue();
    assertThat(AGENT.getAllServeEvents()).hasSize(1);
  }

  @Test
  void aRunEndedInErrorKeepsNoReplyOfAnOvertakenAttempt() {
    RunInput run = run();
    // The overtaken attempt stored its reply just before the workflow, which had given up on it,
    // ended the run.
    AGENT.stubFor(agentCall().willReturn(agentReply("success of an overtaken attempt", false)));
    agentTurn(run);

    activities
        .run()
        .recordError(
            new Conclusion(
                run,
                TerminationReason.AGENT_ERROR,
                ErrorCategory.AI_AGENT_ERROR,
                "The agent failed: HTTP 500",
                "HTTP 500",
                1));

    Run failed = DB.stored(run);
    assertThat(failed.errorCategory()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
    assertThat(DB.turns(run)).extracting(Turn::text).containsExactly("Hi");
  }

  @Test
  void onlyTheAgentsOwnFailuresCountAndTheLastOneIsFinal() {
    RunInput run = run();
    AGENT.stubFor(agentCall().willReturn(WireMock.aResponse().withStatus(503)));

    ApplicationFailure first = catchThrowableOfType(ApplicationFailure.class, () -> agentTurn(run));
    TurnKeeper keeper = new TurnKeeper(DB.runs, DB.turns, DB.definitions);
    UUID runId = UUID.fromString(run.runId());
    ApplicationFailure busy =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                keeper.call(
                    runId,
                    1,
                    Turn.AGENT,
                    run.settings(),
                    () -> {
                      throw Failures.busy("no model slot");
                    }));
    IllegalStateException ours =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                keeper.call(
                    runId,
                    1,
                    Turn.AGENT,
                    run.settings(),
                    () -> {
                      throw new IllegalStateException("database unreachable");
                    }));
    ApplicationFailure second =
        catchThrowableOfType(ApplicationFailure.class, () -> agentTurn(run));
    ApplicationFailure third = catchThrowableOfType(ApplicationFailure.class, () -> agentTurn(run));

    assertThat(first.isNonRetryable()).isFalse();
    assertThat(busy.isNonRetryable()).as("our own throttle, retried").isFalse();
    assertThat(ours)
        .as("our own failure, passed on as it is and retried")
        .hasMessage("database unreachable");
    // FAST_RETRY allows three failed calls to the agent; the wait and our failure did not count.
    assertThat(second.isNonRetryable()).isFalse();
    assertThat(third.isNonRetryable()).isTrue();
    assertThat(third.getType()).isEqualTo(ErrorCategory.AI_AGENT_ERROR.name());
    assertThat(AGENT.getAllServeEvents()).hasSize(3);
  }

  private static void waitForRequests(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (AGENT.getAllServeEvents().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the agent was not called");
      }
      Thread.onSpinWait();
    }
  }
}
