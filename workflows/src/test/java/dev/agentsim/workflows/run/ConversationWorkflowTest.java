package dev.agentsim.workflows.run;

import static dev.agentsim.workflows.SimulationTesting.FAST_RETRY;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.FakeActivities.JudgeCall;
import dev.agentsim.workflows.FakeActivities.Party;
import dev.agentsim.workflows.FakeActivities.TurnCall;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The turn loop on its own: how a conversation ends and how its failures are classified. */
@Timeout(60)
class ConversationWorkflowTest extends WorkflowTestSupport {

  private RunOutcome converse(RunSettings settings) {
    RunInput input = SimulationTesting.run(settings);
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    try {
      return WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, RunOutcome.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the conversation did not finish", e);
    }
  }

  private static RunSettings settings(
      boolean agentSpeaksFirst,
      int maxTurns,
      int maxEvents,
      long timeoutSeconds,
      RetrySettings retry) {
    RunSettings base = runSettings(maxTurns);
    return new RunSettings(
        agentSpeaksFirst, maxTurns, maxEvents, timeoutSeconds, base.session(), retry);
  }

  /** Settings of a scripted user, whose lines are said in the agent's turn's activity. */
  private static RunSettings scripted(int maxTurns, int maxEvents) {
    RunSettings base = runSettings(maxTurns);
    return new RunSettings(
        false, maxTurns, maxEvents, 0, base.session(), FAST_RETRY, null, null, null, null, true);
  }

  @Test
  void bookkeepingInTheStoreIsRetriedUntilTheStoreRecovers() {
    fakes.failStartRun(5);

    RunOutcome outcome = converse(runSettings(2));

    assertThat(fakes.failedStarts()).isEqualTo(5);
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.recordedErrors()).isEmpty();
  }

  @Test
  void aScriptedLineAndTheAgentsAnswerToItAreOneActivity() {
    RunOutcome outcome = converse(scripted(3, 100));

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.scriptedExchanges()).isEqualTo(3);
    assertThat(fakes.turns())
        .extracting(TurnCall::party, TurnCall::sequence, TurnCall::exchange)
        .containsExactly(
            tuple(Party.USER, 0, 0),
            tuple(Party.AGENT, 1, 1),
            tuple(Party.USER, 2, 1),
            tuple(Party.AGENT, 3, 2),
            tuple(Party.USER, 4, 2),
            tuple(Party.AGENT, 5, 3));
    assertThat(fakes.evaluated()).singleElement().extracting(Conclusion::endSequence).isEqualTo(6);
  }

  @Test
  void aScriptedLineThatFillsTheRunLeavesTheAgentUnasked() {
    RunOutcome outcome = converse(scripted(10, 3));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_EVENTS);
    assertThat(fakes.turns())
        .extracting(TurnCall::party)
        .containsExactly(Party.USER, Party.AGENT, Party.USER);
    assertThat(fakes.evaluated()).singleElement().extracting(Conclusion::endSequence).isEqualTo(3);
  }

  @Test
  void anAgentFailingAfterAScriptedLineEndsTheRunWithTheLineInItsTranscript() {
    fakes.agent(FakeActivities.failing(ErrorCategory.AI_AGENT_TIMEOUT));

    RunOutcome outcome = converse(scripted(3, 100));

    assertThat(outcome.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.AGENT_ERROR);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.AI_AGENT_TIMEOUT);
    assertThat(fakes.recordedErrors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.reason()).isEqualTo(TerminationReason.AGENT_ERROR);
              // the user's line at 0 stays; nothing the agent may have stored at 1 does
              assertThat(error.endSequence()).isEqualTo(1);
            });
  }

  @Test
  void maxTurnsReachedIsJudged() {
    fakes.judge(conclusion -> Verdict.FAILED);

    RunOutcome outcome = converse(runSettings(3));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.NONE);
    assertThat(fakes.turns())
        .extracting(TurnCall::party, TurnCall::sequence, TurnCall::exchange)
        .containsExactly(
            tuple(Party.USER, 0, 0),
            tuple(Party.AGENT, 1, 1),
            tuple(Party.USER, 2, 1),
            tuple(Party.AGENT, 3, 2),
            tuple(Party.USER, 4, 2),
            tuple(Party.AGENT, 5, 3));
    assertThat(fakes.startedRuns()).containsExactly(0);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::reason, Conclusion::category)
        .containsExactly(TerminationReason.MAX_TURNS, ErrorCategory.NONE);
    assertThat(fakes.recordedErrors()).isEmpty();
    assertThat(fakes.recordedStopped()).isEmpty();
  }

  @Test
  void agentEndingTheConversationIsAgentStop() {
    fakes.agent(
        request ->
            request.exchange() == 2
                ? FakeActivities.hangUp(request)
                : FakeActivities.speak(request));

    RunOutcome outcome = converse(runSettings(10));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.AGENT_STOP);
    assertThat(outcome.reason().endsConversation()).isTrue();
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(fakes.turns(Party.AGENT)).hasSize(2);
    assertThat(fakes.turns(Party.USER)).hasSize(2);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::reason)
        .isEqualTo(TerminationReason.AGENT_STOP);
  }

  @Test
  void userEndingTheConversationIsUserStop() {
    fakes.user(
        request ->
            request.exchange() == 1
                ? FakeActivities.hangUp(request)
                : FakeActivities.speak(request));

    RunOutcome outcome = converse(runSettings(10));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.USER_STOP);
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    // The user's closing message gets no answer.
    assertThat(fakes.turns(Party.USER)).hasSize(2);
    assertThat(fakes.turns(Party.AGENT)).hasSize(1);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::reason)
        .isEqualTo(TerminationReason.USER_STOP);
  }

  @Test
  void maxEventsCountsEveryMessage() {
    RunOutcome outcome = converse(settings(false, 10, 5, 0, FAST_RETRY));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_EVENTS);
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    // user 0, agent 1, user 2, agent 3, user 4: five messages, then no agent answer.
    assertThat(fakes.turns()).extracting(TurnCall::sequence).containsExactly(0, 1, 2, 3, 4);
    assertThat(fakes.turns()).last().extracting(TurnCall::party).isEqualTo(Party.USER);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::reason)
        .isEqualTo(TerminationReason.MAX_EVENTS);
  }

  @Test
  void agentSpeaksFirstOpensWithTheAgentAtSequenceZero() {
    RunOutcome outcome = converse(settings(true, 2, 100, 0, FAST_RETRY));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.turns())
        .extracting(TurnCall::party, TurnCall::sequence, TurnCall::exchange)
        .containsExactly(
            tuple(Party.AGENT, 0, 0),
            tuple(Party.USER, 1, 0),
            tuple(Party.AGENT, 2, 1),
            tuple(Party.USER, 3, 1),
            tuple(Party.AGENT, 4, 2));
  }

  @Test
  void agentGreetingThatEndsTheConversationIsAgentStop() {
    fakes.agent(FakeActivities::hangUp);

    RunOutcome outcome = converse(settings(true, 2, 100, 0, FAST_RETRY));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.AGENT_STOP);
    assertThat(fakes.turns()).extracting(TurnCall::party).containsExactly(Party.AGENT);
  }

  @Test
  void agentErrorAfterRetriesIsAnErrorVerdict() {
    fakes.agent(FakeActivities.failing(ErrorCategory.AI_AGENT_ERROR));

    RunOutcome outcome = converse(runSettings(5));

    assertThat(outcome.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.AGENT_ERROR);
    // FAST_RETRY allows two attempts, then the run gives up on the agent.
    assertThat(fakes.turns(Party.AGENT)).extracting(TurnCall::attempt).containsExactly(1, 2);
    assertThat(fakes.recordedErrors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.reason()).isEqualTo(TerminationReason.AGENT_ERROR);
              assertThat(error.category()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
              assertThat(error.errorMessage()).contains("simulated AI_AGENT_ERROR");
              assertThat(error.technicalDetails()).contains("AgentTurn");
            });
    assertThat(fakes.evaluated()).as("an errored run is not judged").isEmpty();
  }

  @Test
  void aKilledWorkersTurnIsRetriedByAnotherOnceItsWorkflowTaskTimesOutAndCostsNoAttempt(
      TestWorkflowEnvironment env) {
    fakes.agent(fakes.lostOnFirstCall());
    // A minute per attempt, but a lost worker is noticed when its workflow task times out (10 s).
    RunInput input =
        SimulationTesting.run(settings(false, 1, 100, 0, new RetrySettings(1, 10, 60, 1)));
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    FakeActivities.waitUntil("the agent to be asked", () -> fakes.hanging() == 1);

    env.getWorkerFactory().shutdownNow();
    WorkerFactory survivor = WorkerFactory.newInstance(client);
    Worker worker = survivor.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(ConversationWorkflowImpl.class);
    worker.registerActivitiesImplementations(fakes);
    survivor.start();
    RunOutcome outcome;
    try {
      outcome = WorkflowStub.fromTyped(run).getResult(RunOutcome.class);
    } finally {
      survivor.shutdownNow();
    }

    // One attempt allowed for the agent's own failures, yet the lost one did not use it up.
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.turns(Party.AGENT)).hasSize(2).extracting(TurnCall::sequence).containsOnly(1);
    var execution =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(WorkflowStub.fromTyped(run).getExecution())
                    .build())
            .getWorkflowExecutionInfo();
    long tookSeconds =
        execution.getCloseTime().getSeconds() - execution.getStartTime().getSeconds();
    assertThat(tookSeconds).as("workflow time until the lost turn was retried").isLessThan(30);
  }

  @Test
  void ourOwnFailuresOutlastingEveryAttemptEndNoRunInError() {
    // The store (or Temporal) failing five times, more than the two attempts the agent is allowed:
    // not the agent's fault, so retried until it recovers.
    fakes.agent(
        request -> {
          if (Activity.getExecutionContext().getInfo().getAttempt() <= 5) {
            throw new IllegalStateException("database unreachable");
          }
          return FakeActivities.speak(request);
        });

    RunOutcome outcome = converse(runSettings(2));

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.recordedErrors()).isEmpty();
    assertThat(fakes.turns(Party.AGENT))
        .extracting(TurnCall::attempt)
        .containsExactly(1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void aTwoThousandMessageConversationContinuesAsNewAndCompletes() {
    RunInput input = SimulationTesting.run(settings(false, 1_000, 5_000, 3_600, FAST_RETRY));
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    RunOutcome outcome = stub.getResult(RunOutcome.class);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(fakes.turns()).hasSize(2_000);
    assertThat(fakes.turns())
        .extracting(TurnCall::sequence)
        .containsExactlyElementsOf(FakeActivities.sequences(0, 2_000));
    assertThat(fakes.startedRuns()).as("recorded once, not again after continue-as-new").hasSize(1);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::endSequence)
        .isEqualTo(2_000);
    var first =
        client.fetchHistory(stub.getExecution().getWorkflowId(), stub.getExecution().getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes())
        .as("the first execution continued as new")
        .isTrue();
    assertThat(first.getEvents())
        .hasSizeLessThan(ConversationWorkflowImpl.HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW + 100);
  }

  @Test
  void simulatedUserLlmFailureIsAnLlmProviderError() {
    fakes.user(FakeActivities.failing(ErrorCategory.LLM_PROVIDER_ERROR));

    RunOutcome outcome = converse(runSettings(5));

    assertThat(outcome.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.USER_ERROR);
    assertThat(fakes.turns(Party.USER)).hasSize(2);
    assertThat(fakes.turns(Party.AGENT)).isEmpty();
    assertThat(fakes.recordedErrors())
        .singleElement()
        .extracting(Conclusion::category)
        .isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    assertThat(fakes.evaluated()).isEmpty();
  }

  @Test
  void judgeThatCannotBeReachedIsAnLlmProviderError() {
    // As the real judging activity does, the judge's failures are counted and the last one is
    // final.
    fakes.judge(
        conclusion -> {
          if (Activity.getExecutionContext().getInfo().getAttempt() >= FAST_RETRY.maxAttempts()) {
            throw ApplicationFailure.newNonRetryableFailure("judge down", "LLM_PROVIDER_ERROR");
          }
          throw ApplicationFailure.newFailure("judge down", "LLM_PROVIDER_ERROR");
        });

    RunOutcome outcome = converse(runSettings(1));

    assertThat(outcome.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    // The conversation itself ended normally; only its judgement failed.
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(fakes.evaluated()).hasSize(2);
    assertThat(fakes.recordedErrors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.category()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
              assertThat(error.errorMessage()).contains("judge down");
            });
  }

  @Test
  void aJudgeTimeoutAsksTheModelAgainForThatJudgementOnly() {
    // The second criterion's judge does not answer within its one-second attempt the first time.
    AtomicBoolean first = new AtomicBoolean(true);
    fakes.modelJudgements(
        List.of("criterion:0", "criterion:1", "summary"),
        item -> {
          if (item.equals("criterion:1") && first.getAndSet(false)) {
            fakes.hang();
          }
        });

    RunOutcome outcome = converse(settings(false, 1, 100, 0, new RetrySettings(2, 10, 1)));

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(fakes.judgements())
        .extracting(JudgeCall::item)
        .containsExactlyInAnyOrder("criterion:0", "criterion:1", "criterion:1", "summary");
    assertThat(fakes.judgements())
        .filteredOn(call -> call.item().equals("criterion:1"))
        .extracting(JudgeCall::attempt)
        .containsExactly(1, 2);
    assertThat(fakes.evaluated()).as("judged once every judgement was made").hasSize(1);
  }

  @Test
  void runTimeoutEndsTheConversationAndJudgesIt() {
    // The agent answers the first message, then never again.
    fakes.agent(
        request -> request.exchange() == 1 ? FakeActivities.speak(request) : fakes.hang(request));

    RunOutcome outcome = converse(settings(false, 10, 100, 2, new RetrySettings(2, 10, 60)));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.TIMEOUT);
    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(outcome.category()).isEqualTo(ErrorCategory.NONE);
    assertThat(fakes.turns(Party.AGENT)).hasSize(2);
    assertThat(fakes.evaluated())
        .singleElement()
        .extracting(Conclusion::reason)
        .isEqualTo(TerminationReason.TIMEOUT);
    assertThat(fakes.recordedErrors()).isEmpty();
    assertThat(fakes.recordedStopped()).isEmpty();
  }

  @Test
  void cancelledRunIsRecordedAsStoppedWithItsPartialTranscript() {
    fakes.agent(
        request -> request.exchange() == 1 ? FakeActivities.speak(request) : fakes.hang(request));
    RunInput input = SimulationTesting.run(runSettings(5));
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    FakeActivities.waitUntil("the agent's second turn", () -> fakes.hanging() == 1);

    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();

    // Temporal closes a workflow whose cancellation was requested as cancelled, whatever it
    // returns; the batch learns the outcome from the run's report, not from this result.
    assertThatThrownBy(() -> stub.getResult(RunOutcome.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(fakes.recordedStopped())
        .singleElement()
        .satisfies(
            stopped -> {
              assertThat(stopped.reason()).isEqualTo(TerminationReason.CANCELLED);
              assertThat(stopped.category()).isEqualTo(ErrorCategory.NONE);
              assertThat(stopped.run().runId()).isEqualTo(input.runId());
              // user 0, agent 1, user 2, and the agent's answer at 3 abandoned: the transcript ends
              // before it.
              assertThat(stopped.endSequence()).isEqualTo(3);
            });
    // The abandoned call may have been retried before the run saw the stop; nothing went further.
    assertThat(fakes.turns(Party.AGENT)).extracting(TurnCall::sequence).containsOnly(1, 3);
    assertThat(fakes.evaluated()).as("a stopped run is not judged").isEmpty();
    assertThat(fakes.recordedErrors()).isEmpty();
  }

  @Test
  void aToolDelayIsWaitedOnADurableTimerAndTheAgentContinuesItsTurn() {
    // The agent's first turn calls a tool that answers after 5 s: it stores the call at sequence 1,
    // asks to wait, and answers at sequence 2 when called again.
    fakes.agent(
        request ->
            request.exchange() == 1 && request.sequence() == 1
                ? new TurnResult(2, false, 5_000)
                : FakeActivities.speak(request));

    long started = System.nanoTime();
    RunOutcome outcome = converse(runSettings(2));
    Duration wall = Duration.ofNanos(System.nanoTime() - started);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    assertThat(wall)
        .as("time skipping fires the timer at once: nothing sleeps")
        .isLessThan(Duration.ofMillis(5_000));
    assertThat(fakes.turns())
        .extracting(TurnCall::party, TurnCall::sequence, TurnCall::exchange)
        .containsExactly(
            tuple(Party.USER, 0, 0),
            tuple(Party.AGENT, 1, 1),
            tuple(Party.AGENT, 2, 1),
            tuple(Party.USER, 3, 1),
            tuple(Party.AGENT, 4, 2));
  }

  @Test
  void maxEventsCountsTheMessagesAWaitingTurnStored() {
    fakes.agent(
        request ->
            request.sequence() == 1
                ? new TurnResult(3, false, 1_000)
                : FakeActivities.speak(request));

    RunOutcome outcome = converse(settings(false, 10, 4, 0, FAST_RETRY));

    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_EVENTS);
    assertThat(fakes.turns())
        .extracting(TurnCall::party, TurnCall::sequence)
        .containsExactly(tuple(Party.USER, 0), tuple(Party.AGENT, 1), tuple(Party.AGENT, 3));
  }
}
