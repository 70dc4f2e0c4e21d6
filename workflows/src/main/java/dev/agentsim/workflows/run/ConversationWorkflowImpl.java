package dev.agentsim.workflows.run;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.RemoteFailures;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchActivities;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The turn loop. Each turn is two activities, one per remote party, so each is retried on its own;
 * the transcript lives in the store, never in workflow history.
 *
 * <p>Since version 1 of {@value #EXACTLY_ONCE_TURNS}: turn activities take ids, not settings; each
 * stores its party's turn exactly once and counts the party's failures itself, so Temporal retries
 * them without a limit and heartbeats tell a lost worker; the run's conclusion says where its
 * transcript ends; and a long conversation continues as new. Since version 2: bookkeeping in the
 * store, the report to the batch and a scripted user's lines are local activities. Since version 3,
 * every turn and the judging are local activities too (see {@link #take}): a turn then costs no
 * round trip through Temporal, which was most of a conversation's CPU; a script's line is said in
 * the activity of the agent's answer to it; and each judgement of the model is an activity of its
 * own.
 */
public class ConversationWorkflowImpl implements ConversationWorkflow {

  static final String EXACTLY_ONCE_TURNS = "exactly-once-turns";

  /** Continue-as-new well before Temporal's 51,200-event history limit, even if not suggested. */
  static final int HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW = 10_000;

  /**
   * Since version 3, turns taken by one execution before it continues as new. A workflow task may
   * run many local activities before their markers reach the history, so neither Temporal's
   * suggestion nor the history length sees them in time; each turn adds about one event.
   */
  static final int TURNS_BEFORE_CONTINUE_AS_NEW = 1_000;

  /** Since version 3, how long the attempts of a turn may go on in a run without a timeout. */
  private static final Duration LONGEST_TURN = Duration.ofDays(1);

  /** Bookkeeping in the store is retried until the store recovers. */
  private static final RetryOptions STORE_RETRY =
      RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build();

  /**
   * Before version 2: a batch that is gone for good (finished, or stopped) must not keep its runs
   * retrying.
   */
  private static final RetryOptions REPORT_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofMillis(200))
          .setMaximumInterval(Duration.ofSeconds(5))
          .setMaximumAttempts(20)
          .build();

  /** Abandoned on cancellation for the reason given at {@link RetrySettings#activityOptions()}. */
  private static final ActivityOptions STORE_OPTIONS =
      ActivityOptions.newBuilder()
          .setCancellationType(ActivityCancellationType.ABANDON)
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(STORE_RETRY)
          .build();

  private static final ActivityOptions REPORT_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(REPORT_RETRY)
          .build();

  /**
   * Bookkeeping in the store and the report to the batch, since version 2: no remote party, so
   * local activities, run by the workflow's own worker without a round trip through Temporal. Both
   * are retried until they succeed: the store until it recovers, the report until it is delivered
   * (a batch that has ended takes it as delivered). A local activity retries without an attempt
   * limit only within a schedule-to-close limit (with neither, Temporal's local activity worker
   * does not retry it at all), so these count on attempts that do not run out. Waits between
   * attempts longer than a second are workflow timers: a long outage holds no workflow task open.
   */
  private static final LocalActivityOptions LOCAL_OPTIONS =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setLocalRetryThreshold(Duration.ofSeconds(1))
          .setRetryOptions(
              RetryOptions.newBuilder(STORE_RETRY).setMaximumAttempts(Integer.MAX_VALUE).build())
          .build();

  private static final LocalActivityOptions LOCAL_REPORT_OPTIONS =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setLocalRetryThreshold(Duration.ofSeconds(1))
          .setRetryOptions(
              RetryOptions.newBuilder(REPORT_RETRY).setMaximumAttempts(Integer.MAX_VALUE).build())
          .build();

  private RunInput input;
  private boolean timedOut;
  private boolean exactlyOnce;
  private boolean localBookkeeping;
  private boolean localTurns;
  private int sequence;
  private int exchanges;
  private int turnsTaken;
  private long deadlineMillis;

  @Override
  public RunOutcome run(RunInput input) {
    this.input = input;
    int version = Workflow.getVersion(EXACTLY_ONCE_TURNS, Workflow.DEFAULT_VERSION, 3);
    exactlyOnce = version >= 1;
    localBookkeeping = version >= 2;
    localTurns = version >= 3;
    RunActivities store =
        localBookkeeping
            ? Workflow.newLocalActivityStub(RunActivities.class, LOCAL_OPTIONS)
            : Workflow.newActivityStub(RunActivities.class, STORE_OPTIONS);
    RunOutcome outcome;
    try {
      ConversationState state = input.state();
      if (state == null) {
        store.startRun(input);
      } else {
        sequence = state.sequence();
        exchanges = state.exchanges();
        deadlineMillis = state.deadlineMillis();
      }
      outcome = conclude(converse(), store);
    } catch (ActivityFailure | CanceledFailure e) {
      if (!CancellationScope.current().isCancelRequested()) {
        // The run cannot even be recorded (its scenario is gone, say). The batch must still hear
        // of it, or it would wait for this run forever; the run itself fails, visibly.
        report(new RunOutcome(input.sequence(), Verdict.ERROR, null, ErrorCategory.UNKNOWN));
        throw e;
      }
      // The batch stopped this run: record what happened so far, whatever cancelled us.
      outcome =
          new RunOutcome(input.sequence(), null, TerminationReason.CANCELLED, ErrorCategory.NONE);
      Conclusion stopped =
          new Conclusion(
              input, TerminationReason.CANCELLED, ErrorCategory.NONE, null, null, endSequence());
      Workflow.newDetachedCancellationScope(() -> store.recordStopped(stopped)).run();
    }
    RunOutcome reported = outcome;
    Workflow.newDetachedCancellationScope(() -> report(reported)).run();
    return outcome;
  }

  /** Runs the turn loop, bounded by the run's timeout when it has one. */
  private Conclusion converse() {
    long timeout = input.settings().runTimeoutSeconds();
    if (timeout <= 0) {
      return turnLoop();
    }
    if (input.state() == null) {
      deadlineMillis = Workflow.currentTimeMillis() + timeout * 1000;
    }
    Duration left =
        input.state() == null
            ? Duration.ofSeconds(timeout)
            : Duration.ofMillis(Math.max(0, deadlineMillis - Workflow.currentTimeMillis()));
    Conclusion[] result = new Conclusion[1];
    CancellationScope loop =
        Workflow.newCancellationScope(
            () -> {
              result[0] = turnLoop();
            });
    Workflow.newTimer(left)
        .thenApply(
            fired -> {
              timedOut = true;
              loop.cancel();
              return null;
            });
    try {
      loop.run();
      return result[0];
    } catch (ActivityFailure | CanceledFailure e) {
      if (!timedOut || CancellationScope.current().isCancelRequested()) {
        throw e;
      }
      return conclusion(TerminationReason.TIMEOUT);
    }
  }

  private Conclusion turnLoop() {
    RunSettings settings = input.settings();
    ActivityOptions remote =
        exactlyOnce ? settings.retry().turnOptions() : settings.retry().activityOptions();
    SimulatedUserActivities user;
    AgentActivities agent;
    if (localTurns) {
      LocalActivityOptions local = localTurnOptions(remote);
      user = Workflow.newLocalActivityStub(SimulatedUserActivities.class, local);
      agent = Workflow.newLocalActivityStub(AgentActivities.class, local);
    } else {
      user =
          localBookkeeping && settings.scriptedUser()
              ? Workflow.newLocalActivityStub(SimulatedUserActivities.class, LOCAL_OPTIONS)
              : Workflow.newActivityStub(SimulatedUserActivities.class, remote);
      agent = Workflow.newActivityStub(AgentActivities.class, remote);
    }

    if (settings.agentSpeaksFirst() && input.state() == null) {
      TurnResult greeting;
      try {
        greeting = agentTurn(agent, sequence);
      } catch (ActivityFailure e) {
        return failure(
            TerminationReason.AGENT_ERROR,
            ErrorCategory.AI_AGENT_ERROR,
            ErrorCategory.AI_AGENT_TIMEOUT,
            e);
      }
      sequence = greeting.nextSequence();
      if (greeting.ended()) {
        return conclusion(TerminationReason.AGENT_STOP);
      }
    }
    // A script's line calls no one: since version 3 it is said in the agent's turn's activity.
    boolean scriptedExchanges = localTurns && settings.scriptedUser();
    while (true) {
      if (exchanges >= settings.maxTurns()) {
        return conclusion(TerminationReason.MAX_TURNS);
      }
      if (sequence >= settings.maxEvents()) {
        return conclusion(TerminationReason.MAX_EVENTS);
      }
      if (exactlyOnce && shouldContinueAsNew()) {
        Workflow.continueAsNew(
            input.withState(new ConversationState(sequence, exchanges, deadlineMillis)));
      }
      TurnResult said;
      TurnResult answer = null;
      try {
        if (scriptedExchanges) {
          AgentActivities.Exchange exchange = take(agent::scriptedExchange, request(sequence));
          said = exchange.user();
          answer = exchange.agent();
        } else {
          said = take(user::userTurn, request(sequence));
        }
      } catch (ActivityFailure e) {
        if (scriptedExchanges && agentsFault(e)) {
          // The agent is asked only once the line is stored, and the line at this sequence is the
          // same whichever attempt stored it: the transcript keeps it.
          sequence++;
          return failure(
              TerminationReason.AGENT_ERROR,
              ErrorCategory.AI_AGENT_ERROR,
              ErrorCategory.AI_AGENT_TIMEOUT,
              e);
        }
        return failure(
            TerminationReason.USER_ERROR,
            ErrorCategory.LLM_PROVIDER_ERROR,
            ErrorCategory.LLM_PROVIDER_ERROR,
            e);
      }
      sequence = said.nextSequence();
      if (said.ended()) {
        return conclusion(TerminationReason.USER_STOP);
      }
      exchanges++;
      if (sequence >= settings.maxEvents()) {
        return conclusion(TerminationReason.MAX_EVENTS);
      }
      TurnResult answered;
      try {
        answered = answer == null ? agentTurn(agent, sequence) : waitedOut(agent, answer);
      } catch (ActivityFailure e) {
        return failure(
            TerminationReason.AGENT_ERROR,
            ErrorCategory.AI_AGENT_ERROR,
            ErrorCategory.AI_AGENT_TIMEOUT,
            e);
      }
      sequence = answered.nextSequence();
      if (answered.ended()) {
        return conclusion(TerminationReason.AGENT_STOP);
      }
      Workflow.setCurrentDetails("turn " + exchanges + " of at most " + settings.maxTurns());
    }
  }

  /**
   * One agent turn, however many calls it takes: a turn that must wait (a mocked tool's delay) is
   * continued after a durable timer. Histories of turns that never waited replay unchanged.
   */
  private TurnResult agentTurn(AgentActivities agent, int from) {
    return waitedOut(agent, take(agent::agentTurn, request(from)));
  }

  private TurnResult waitedOut(AgentActivities agent, TurnResult first) {
    TurnResult result = first;
    while (result.waitMillis() > 0) {
      // What the turn stored so far is part of the transcript, whatever happens while it waits.
      sequence = result.nextSequence();
      Workflow.sleep(Duration.ofMillis(result.waitMillis()));
      result = take(agent::agentTurn, request(result.nextSequence()));
    }
    return result;
  }

  /**
   * One call of a turn's activity. Since version 3 it is a local activity, which Temporal cannot
   * cancel: awaiting it this way lets a stop or the run's timeout abandon it at once, as a regular
   * activity is abandoned. An abandoned call stores nothing once the run is final.
   */
  private <T> T take(Functions.Func1<TurnRequest, T> activity, TurnRequest request) {
    if (!localTurns) {
      return activity.apply(request);
    }
    turnsTaken++;
    return awaitLocal(Async.function(activity, request));
  }

  private static <T> T awaitLocal(Promise<T> call) {
    Workflow.await(call::isCompleted);
    return call.get();
  }

  /**
   * A turn as a local activity (version 3): the same limit of one attempt and the same retries as
   * the regular activity it replaces, and a lost worker is noticed when its workflow task times
   * out. The turn's request stays out of the history (it is in the store). Temporal retries a local
   * activity without an attempt limit only within a schedule-to-close limit: a turn's attempts end
   * with its run, or after {@link #LONGEST_TURN} for a run without a timeout.
   */
  private LocalActivityOptions localTurnOptions(ActivityOptions remote) {
    long runTimeout = input.settings().runTimeoutSeconds();
    Duration attempts =
        runTimeout > 0
            ? Duration.ofSeconds(runTimeout).plus(remote.getStartToCloseTimeout())
            : LONGEST_TURN;
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(remote.getStartToCloseTimeout())
        .setScheduleToCloseTimeout(attempts)
        .setRetryOptions(remote.getRetryOptions())
        .setDoNotIncludeArgumentsIntoMarker(true)
        .build();
  }

  /** A turn's activities read the run's settings from the store: no input grows with them. */
  private TurnRequest request(int at) {
    return new TurnRequest(exactlyOnce ? input.withoutSettings() : input, at, exchanges);
  }

  private boolean shouldContinueAsNew() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW
        || turnsTaken >= TURNS_BEFORE_CONTINUE_AS_NEW;
  }

  /**
   * Where the transcript ends as far as this workflow knows; null under the code before version 1.
   */
  private Integer endSequence() {
    return exactlyOnce ? sequence : null;
  }

  private RunOutcome conclude(Conclusion conclusion, RunActivities store) {
    if (conclusion.category() != ErrorCategory.NONE) {
      store.recordError(conclusion);
      return outcome(Verdict.ERROR, conclusion);
    }
    // The judge may call the LLM: retried like the other remote calls.
    // Since version 2 the judging activity counts the model's failures itself, as a turn does.
    RetrySettings retry = input.settings().retry();
    ActivityOptions judging = localBookkeeping ? retry.turnOptions() : retry.activityOptions();
    RunActivities judge =
        localTurns
            ? Workflow.newLocalActivityStub(RunActivities.class, localTurnOptions(judging))
            : Workflow.newActivityStub(RunActivities.class, judging);
    try {
      if (!localTurns) {
        return outcome(judge.evaluate(conclusion), conclusion);
      }
      // Each judgement of the model is its own activity, all asked at once: a retry asks again
      // only the one that failed. Judging then combines them with the rule criteria.
      List<String> items = awaitLocal(Async.function(judge::modelJudgements, conclusion));
      List<Promise<Void>> judged = new ArrayList<>();
      for (String item : items) {
        judged.add(Async.procedure(judge::judge, conclusion, item));
      }
      awaitLocal(Promise.allOf(judged));
      return outcome(awaitLocal(Async.function(judge::evaluate, conclusion)), conclusion);
    } catch (ActivityFailure e) {
      rethrowIfCancelled(e);
      Conclusion failed =
          new Conclusion(
              input,
              conclusion.reason(),
              ErrorCategory.LLM_PROVIDER_ERROR,
              "The success criteria could not be judged: " + RemoteFailures.message(e),
              RemoteFailures.technicalDetails(e),
              conclusion.endSequence());
      store.recordError(failed);
      return outcome(Verdict.ERROR, failed);
    }
  }

  private void report(RunOutcome outcome) {
    if (input.batchWorkflowId() == null) {
      return;
    }
    try {
      BatchActivities batch =
          localBookkeeping
              ? Workflow.newLocalActivityStub(BatchActivities.class, LOCAL_REPORT_OPTIONS)
              : Workflow.newActivityStub(BatchActivities.class, REPORT_OPTIONS);
      batch.reportRun(input.batchWorkflowId(), outcome);
    } catch (ActivityFailure e) {
      // The batch has finished without us (stopped and gave up waiting); nothing is waiting for
      // this.
    }
  }

  private RunOutcome outcome(Verdict verdict, Conclusion conclusion) {
    return new RunOutcome(input.sequence(), verdict, conclusion.reason(), conclusion.category());
  }

  private Conclusion conclusion(TerminationReason reason) {
    return new Conclusion(input, reason, ErrorCategory.NONE, null, null, endSequence());
  }

  /**
   * Classifies a remote party's final failure: activities name the category as the failure type; a
   * Temporal timeout means the party never answered in time.
   */
  private Conclusion failure(
      TerminationReason reason,
      ErrorCategory fallback,
      ErrorCategory onTimeout,
      ActivityFailure e) {
    rethrowIfCancelled(e);
    return new Conclusion(
        input,
        reason,
        categoryOf(e, fallback, onTimeout),
        RemoteFailures.message(e),
        RemoteFailures.technicalDetails(e),
        endSequence());
  }

  private static ErrorCategory categoryOf(
      ActivityFailure e, ErrorCategory fallback, ErrorCategory onTimeout) {
    if (e.getCause() instanceof ApplicationFailure application) {
      return categoryOf(application.getType(), fallback);
    }
    return e.getCause() instanceof TimeoutFailure ? onTimeout : fallback;
  }

  /** Whether a failure is the agent's: its own failure types, or no answer in time. */
  private static boolean agentsFault(ActivityFailure e) {
    ErrorCategory category = categoryOf(e, ErrorCategory.UNKNOWN, ErrorCategory.AI_AGENT_TIMEOUT);
    return category == ErrorCategory.AI_AGENT_ERROR || category == ErrorCategory.AI_AGENT_TIMEOUT;
  }

  private static ErrorCategory categoryOf(String type, ErrorCategory fallback) {
    for (ErrorCategory category : ErrorCategory.values()) {
      if (category.name().equals(type)) {
        return category;
      }
    }
    return fallback;
  }

  private void rethrowIfCancelled(ActivityFailure e) {
    if (e.getCause() instanceof CanceledFailure) {
      throw e;
    }
  }
}
