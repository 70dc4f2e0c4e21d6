package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.ControlRefusal.Reason;
import dev.agentsim.workflows.run.ConversationWorkflow;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sliding window over the batch's runs, after Temporal's {@code batch/slidingwindow} sample:
 * children are abandoned on parent close and report back by signal, so the batch can
 * continue-as-new while they run.
 *
 * <p>Since version 1 of {@value #SELF_HEALING} the batch does not rely on reports alone: a run
 * started by this execution is also counted when its workflow ends (a terminated or failed run
 * never reports); a window that hears nothing for a while asks Temporal about every run in flight;
 * a run id is never started twice (a reset does not bill a finished run again); and a cancellation
 * from Temporal itself (its UI, its CLI) stops the batch as our stop does.
 *
 * <p>Since version 1 of {@value #LIVE_CONTROL} a batch that asks for a precision ({@link
 * Precision}) starts no more runs once its counters show it; the runs in flight finish and are
 * counted. Its runs, window and pause can be changed while it runs, by updates that record the
 * change before they answer.
 */
public class BatchWorkflowImpl implements BatchWorkflow {

  /** Continue-as-new well before Temporal's 51,200-event history limit, even if not suggested. */
  static final int HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW = 10_000;

  private static final String STOP_WITHOUT_WAITING = "stop-without-waiting-for-cancellations";

  /**
   * Version 1 starts every run that fits in the window at once, then waits for their starts
   * together.
   */
  private static final String START_WINDOW_AT_ONCE = "start-window-at-once";

  /** Since version 1: the batch heals itself, see the class comment. */
  private static final String SELF_HEALING = "self-healing";

  /**
   * Since version 1: adaptive sampling, and a batch that waits for its control updates before it
   * ends.
   */
  private static final String LIVE_CONTROL = "live-control";

  /** How long a stopping batch waits for its cancelled runs to record their partial transcripts. */
  private static final Duration STOP_GRACE = Duration.ofMinutes(2);

  private final BatchActivities activities =
      Workflow.newActivityStub(
          BatchActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
              .build());

  private final BatchInput input;
  private final Set<Integer> inFlight = new TreeSet<>();
  private BatchStatus status;
  private int nextSequence;
  private RunCounts counts;
  private long deadlineMillis;
  private BatchStatus stopStatus;
  private StopReason stopReason;
  private boolean startWindowAtOnce;
  private boolean selfHealing;

  /** Runs of this execution whose workflows ended without their outcome: to be settled. */
  private final Set<Integer> ended = new TreeSet<>();

  /**
   * Runs this execution started: Temporal cancels them itself when the batch is cancelled in
   * Temporal.
   */
  private final Set<Integer> startedHere = new TreeSet<>();

  private boolean cancelledInTemporal;
  private long lastHeardMillis;
  private Promise<Void> stallCheck;
  private boolean liveControl;

  /** The live control's settings, the input's until changed. */
  private int runs;

  private int concurrency;
  private boolean paused;
  private boolean precisionReached;

  @WorkflowInit
  public BatchWorkflowImpl(BatchInput input) {
    this.input = input;
    runs = input.runs();
    concurrency = input.concurrency();
    paused = input.paused();
    BatchState state = input.state();
    if (state == null) {
      status = BatchStatus.PENDING;
      counts = RunCounts.ZERO;
    } else {
      status = BatchStatus.RUNNING;
      nextSequence = state.nextSequence();
      inFlight.addAll(state.inFlight());
      counts = state.counts();
      deadlineMillis = state.deadlineMillis();
      precisionReached = state.precisionReached();
    }
  }

  @Override
  public BatchStatus run(BatchInput ignored) {
    startWindowAtOnce = Workflow.getVersion(START_WINDOW_AT_ONCE, Workflow.DEFAULT_VERSION, 1) == 1;
    selfHealing = Workflow.getVersion(SELF_HEALING, Workflow.DEFAULT_VERSION, 1) == 1;
    liveControl = Workflow.getVersion(LIVE_CONTROL, Workflow.DEFAULT_VERSION, 1) == 1;
    if (!selfHealing) {
      return runWindow();
    }
    try {
      return runWindow();
    } catch (CanceledFailure | ActivityFailure e) {
      if (!CancellationScope.current().isCancelRequested()) {
        throw e;
      }
      // Cancelled from Temporal rather than by our stop: the batch's record must not stay running.
      cancelledInTemporal = true;
      requestStop(BatchStatus.STOPPED, StopReason.USER_CANCELLED);
      BatchStatus[] stopped = new BatchStatus[1];
      Workflow.newDetachedCancellationScope(() -> stopped[0] = stop()).run();
      return stopped[0];
    }
  }

  private BatchStatus runWindow() {
    if (input.state() == null) {
      if (input.timeoutSeconds() > 0) {
        deadlineMillis = Workflow.currentTimeMillis() + input.timeoutSeconds() * 1000;
      }
      activities.batchStarted(input.batchId());
      status = BatchStatus.RUNNING;
      Workflow.upsertTypedSearchAttributes(
          SimulationSearchAttributes.STATUS.valueSet(status.wire()));
    }
    if (deadlineMillis > 0) {
      Duration left = Duration.ofMillis(Math.max(0, deadlineMillis - Workflow.currentTimeMillis()));
      Workflow.newTimer(left)
          .thenApply(
              fired -> {
                requestStop(BatchStatus.FAILED, StopReason.TIMEOUT);
                return null;
              });
    }
    showDetails();
    lastHeardMillis = Workflow.currentTimeMillis();
    List<Integer> restart = input.state() == null ? null : input.state().restart();
    if (restart != null && !restart.isEmpty()) {
      // Resumed after a restart that lost these runs' workflows: each carries on from its stored
      // turns.
      List<Started> started = new ArrayList<>();
      for (int sequence : restart) {
        started.add(startRun(sequence));
      }
      started.forEach(this::awaitStart);
    }

    while (true) {
      if (stopStatus != null) {
        return stop();
      }
      if (precisionJustReached()) {
        precisionReached = true;
        runs = nextSequence;
        recordControl();
        continue;
      }
      if (allRunsFinished()) {
        if (liveControl && !Workflow.isEveryHandlerFinished()) {
          // A control update still recording its change may yet start more runs.
          Workflow.await(Workflow::isEveryHandlerFinished);
          continue;
        }
        return finish(
            BatchStatus.COMPLETED, precisionReached ? StopReason.PRECISION_REACHED : null);
      }
      if (!ended.isEmpty()) {
        settle(List.copyOf(ended));
        continue;
      }
      if (stallCheck != null && stallCheck.isCompleted()) {
        stallCheck = null;
        if (!inFlight.isEmpty()
            && Workflow.currentTimeMillis() - lastHeardMillis >= stallCheckMillis()) {
          // No run has been heard of for a while: ask Temporal what became of each in flight.
          settle(List.copyOf(inFlight));
        }
        continue;
      }
      if (shouldContinueAsNew()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(
            input
                .withControl(runs, concurrency, paused)
                .withState(
                    new BatchState(
                        nextSequence,
                        List.copyOf(inFlight),
                        counts,
                        deadlineMillis,
                        List.of(),
                        precisionReached)));
      }
      if (canStartMore()) {
        if (!startWindowAtOnce) {
          awaitStart(startRun(nextSequence++));
        } else {
          List<Started> started = new ArrayList<>();
          while (canStartMore()) {
            started.add(startRun(nextSequence++));
          }
          started.forEach(this::awaitStart);
        }
        continue;
      }
      if (selfHealing && stallCheck == null) {
        // One timer per period, however many reports arrive in it.
        stallCheck = Workflow.newTimer(Duration.ofMillis(stallCheckMillis()));
      }
      Workflow.await(
          () ->
              stopStatus != null
                  || canStartMore()
                  || allRunsFinished()
                  || precisionJustReached()
                  || !ended.isEmpty()
                  || (stallCheck != null && stallCheck.isCompleted()));
    }
  }

  private boolean allRunsFinished() {
    return nextSequence >= runs && inFlight.isEmpty();
  }

  /** Runs are still to start, and the runs counted so far pin the pass rate down as asked. */
  private boolean precisionJustReached() {
    return liveControl
        && input.until() != null
        && !precisionReached
        && nextSequence < runs
        && input.until().isReachedBy(counts);
  }

  private void recordControl() {
    activities.batchControlled(input.batchId(), runs, concurrency, paused);
    showDetails();
  }

  private long stallCheckMillis() {
    return input.stallCheckSecondsOrDefault() * 1000;
  }

  /** Counts the runs among {@code sequences} that have ended, as their records say. */
  private void settle(List<Integer> sequences) {
    ended.removeAll(sequences);
    for (RunOutcome outcome :
        activities.settleRuns(input.batchId(), input.runSettings().maxTurns(), sequences)) {
      runFinished(outcome);
    }
  }

  @Override
  public void cancel(String reason) {
    requestStop(BatchStatus.STOPPED, StopReason.USER_CANCELLED);
  }

  @Override
  public void stopBatch(String reason) {
    requestStop(BatchStatus.STOPPED, StopReason.USER_CANCELLED);
  }

  @Override
  public void validateStopBatch(String reason) {
    if (status.isFinal()) {
      throw new IllegalStateException("The batch has finished: " + status.wire());
    }
    if (stopStatus != null) {
      throw new IllegalStateException("The batch is stopping already");
    }
  }

  @Override
  public void raiseRuns(int runs) {
    this.runs = runs;
    recordControl();
  }

  @Override
  public void validateRaiseRuns(int runs) {
    requireStartingRuns();
    if (runs < nextSequence) {
      throw ControlRefusal.failure(
          Reason.RUNS_BELOW_STARTED,
          "runs must be at least the " + nextSequence + " runs started already");
    }
  }

  @Override
  public void changeConcurrency(int concurrency) {
    this.concurrency = concurrency;
    recordControl();
  }

  @Override
  public void validateChangeConcurrency(int concurrency) {
    requireStartingRuns();
    if (concurrency < 1) {
      throw ControlRefusal.failure(Reason.NO_CONCURRENCY, "concurrency must be at least 1");
    }
  }

  @Override
  public void pauseRuns() {
    paused = true;
    recordControl();
  }

  @Override
  public void validatePauseRuns() {
    requireStartingRuns();
  }

  @Override
  public void resumeRuns() {
    paused = false;
    recordControl();
  }

  @Override
  public void validateResumeRuns() {
    requireStartingRuns();
  }

  /** Only a batch that may still start runs can be controlled. */
  private void requireStartingRuns() {
    if (status.isFinal()) {
      throw ControlRefusal.failure(
          Reason.BATCH_FINISHED, "The batch has finished: " + status.wire());
    }
    if (stopStatus != null) {
      throw ControlRefusal.failure(Reason.BATCH_ENDING, "The batch is stopping");
    }
    if (precisionReached) {
      throw ControlRefusal.failure(
          Reason.BATCH_ENDING, "The batch has reached its precision and starts no more runs");
    }
  }

  @Override
  public void runFinished(RunOutcome outcome) {
    lastHeardMillis = Workflow.currentTimeMillis();
    if (!inFlight.remove(outcome.sequence())) {
      return; // a report delivered twice
    }
    counts = counts.plus(outcome);
    if (input.stopOnFailure() && outcome.failed()) {
      requestStop(BatchStatus.FAILED, StopReason.STOP_ON_FAILURE);
    }
    showDetails();
  }

  @Override
  public BatchProgress progress() {
    return new BatchProgress(status, runs, counts, inFlight.size(), nextSequence);
  }

  private boolean canStartMore() {
    return !paused && nextSequence < runs && inFlight.size() < concurrency;
  }

  private boolean shouldContinueAsNew() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW;
  }

  private void requestStop(BatchStatus status, StopReason reason) {
    if (stopStatus == null && !this.status.isFinal()) {
      stopStatus = status;
      stopReason = reason;
    }
  }

  /** A run whose child workflow was asked to start. */
  private record Started(int sequence, Promise<WorkflowExecution> execution) {}

  private Started startRun(int sequence) {
    String batchId = input.batchId();
    ChildWorkflowOptions.Builder options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(BatchWorkflow.runWorkflowId(batchId, sequence))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SimulationSearchAttributes.PROJECT, input.projectId())
                    .set(SimulationSearchAttributes.BATCH, batchId)
                    .set(SimulationSearchAttributes.SCENARIO, input.scenarioId())
                    .build())
            .setStaticSummary("Run " + (sequence + 1) + " of " + runs + " in batch " + batchId);
    if (selfHealing) {
      // A run that exists already, running or not (after a reset, say), is not started again.
      options.setWorkflowIdReusePolicy(
          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    }
    ConversationWorkflow child =
        Workflow.newChildWorkflowStub(ConversationWorkflow.class, options.build());
    RunInput runInput =
        new RunInput(
            Workflow.getInfo().getWorkflowId(),
            batchId,
            BatchWorkflow.runId(batchId, sequence),
            sequence,
            input.projectId(),
            input.scenarioId(),
            input.agentId(),
            input.modelId(),
            input.runSettings());
    // In flight before it starts: a quick run may report back while we wait for the start.
    inFlight.add(sequence);
    startedHere.add(sequence);
    Promise<RunOutcome> result = Async.function(child::run, runInput);
    if (selfHealing) {
      // A run that ends without reporting (terminated, failed, or one that existed already) is
      // settled from its record; one that reports is counted either way, once.
      result.handle(
          (outcome, failure) -> {
            if (failure == null) {
              runFinished(outcome);
            } else if (inFlight.contains(sequence)) {
              ended.add(sequence);
            }
            return null;
          });
    }
    return new Started(sequence, Workflow.getWorkflowExecution(child));
  }

  /** Waiting for the start makes ABANDON hold before any continue-as-new. */
  private void awaitStart(Started started) {
    try {
      started.execution().get();
    } catch (TemporalFailure e) {
      if (!selfHealing) {
        runFinished(new RunOutcome(started.sequence(), Verdict.ERROR, null, ErrorCategory.UNKNOWN));
      }
      // Since version 1 the run's result has failed too, and the run is settled from its record.
    }
  }

  private BatchStatus stop() {
    // Version 1 does not wait for the cancellation requests to be answered: a run that finished
    // meanwhile may never answer on the in-process test server, and its report is what counts.
    boolean awaitAnswers =
        Workflow.getVersion(STOP_WITHOUT_WAITING, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION;
    List<Promise<Void>> cancellations = new ArrayList<>();
    for (int sequence : inFlight) {
      if (cancelledInTemporal && startedHere.contains(sequence)) {
        continue; // cancelled already, with the batch
      }
      String id = BatchWorkflow.runWorkflowId(input.batchId(), sequence);
      cancellations.add(
          Async.procedure(Workflow.newUntypedExternalWorkflowStub(id)::cancel)
              .handle((cancelled, failure) -> null));
    }
    if (awaitAnswers) {
      cancellations.forEach(Promise::get);
    }
    if (!selfHealing) {
      Workflow.await(STOP_GRACE, inFlight::isEmpty);
      return finish(stopStatus, stopReason);
    }
    long graceEnds = Workflow.currentTimeMillis() + STOP_GRACE.toMillis();
    while (!inFlight.isEmpty()) {
      if (!ended.isEmpty()) {
        settle(List.copyOf(ended));
        continue;
      }
      long left = graceEnds - Workflow.currentTimeMillis();
      if (left <= 0
          || !Workflow.await(
              Duration.ofMillis(left), () -> inFlight.isEmpty() || !ended.isEmpty())) {
        // Runs that have not answered the stop: count those that ended without a word.
        settle(List.copyOf(inFlight));
        break;
      }
    }
    return finish(stopStatus, stopReason);
  }

  private BatchStatus finish(BatchStatus finalStatus, StopReason reason) {
    activities.batchFinished(input.batchId(), finalStatus, reason);
    status = finalStatus;
    stopReason = reason;
    Workflow.upsertTypedSearchAttributes(SimulationSearchAttributes.STATUS.valueSet(status.wire()));
    showDetails();
    return status;
  }

  private void showDetails() {
    Workflow.setCurrentDetails(
        String.format(
            "**%s**%s%s  %n%d of %d runs finished, %d in flight: %d passed, %d failed, %d errors, %d stopped",
            status.wire(),
            stopReason == null ? "" : " (" + stopReason + ")",
            paused ? " paused" : "",
            counts.finished(),
            runs,
            inFlight.size(),
            counts.succeeded(),
            counts.failed(),
            counts.errored(),
            counts.stopped()));
  }
}
