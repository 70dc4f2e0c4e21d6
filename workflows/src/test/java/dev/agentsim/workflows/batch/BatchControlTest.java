package dev.agentsim.workflows.batch;

import static dev.agentsim.workflows.FakeActivities.sequences;
import static dev.agentsim.workflows.SimulationTesting.batch;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.FakeActivities.Controlled;
import dev.agentsim.workflows.FakeActivities.Finished;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.batch.ControlRefusal.Reason;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adaptive sampling, and the updates that raise, widen, narrow, pause and resume a running batch.
 */
@Timeout(90)
class BatchControlTest extends WorkflowTestSupport {

  @Test
  void allPassingRunsStopAtTheCountWhoseWilsonIntervalIsNarrowEnough() {
    // All n judged runs pass: the 95% Wilson half-width is z²/(2n + 2z²) with z² = 3.8415, which
    // is 0.0508 at n = 34 and 0.0495 at n = 35.
    BatchInput input = adaptive(500, 1, 0.05, 20);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyElementsOf(sequences(0, 35));
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.COMPLETED, StopReason.PRECISION_REACHED));
    assertThat(fakes.batchesControlled())
        .as("the batch's runs read as the runs started")
        .containsExactly(new Controlled(input.batchId(), 35, 1, false));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 35, new RunCounts(35, 0, 0, 0), 0, 35));
  }

  @Test
  void theIntervalIsNotLookedAtBeforeMinRunsJudgedRuns() {
    // 16 passes would do for a half-width of 0.1 (0.0995); minRuns asks for 20.
    BatchInput input = adaptive(500, 1, 0.1, 20);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyElementsOf(sequences(0, 20));
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.COMPLETED, StopReason.PRECISION_REACHED));
  }

  @Test
  void runsInErrorAreLeftOutOfThePassRate() {
    // Every fourth run fails, run 2 is an ERROR. Over the 29 judged runs of the first 30 (22
    // passed, 7 failed) the half-width is 0.1494, the first at most 0.15; at 28 judged it is
    // 0.1534.
    fakes.judge(
        conclusion -> conclusion.run().sequence() % 4 == 3 ? Verdict.FAILED : Verdict.SUCCESS);
    fakes.agent(
        request ->
            request.run().sequence() == 2
                ? FakeActivities.failing(ErrorCategory.AI_AGENT_ERROR).take(request)
                : FakeActivities.speak(request));
    BatchInput input = adaptive(500, 1, 0.15, 10);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyElementsOf(sequences(0, 30));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 30, new RunCounts(22, 7, 1, 0), 0, 30));
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.COMPLETED, StopReason.PRECISION_REACHED));
  }

  @Test
  void maxRunsEndsABatchThatNeverGetsThatPrecise() {
    BatchInput input = adaptive(30, 3, 0.01, 5);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, 30));
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
    assertThat(fakes.batchesControlled()).isEmpty();
  }

  @Test
  void runsInFlightWhenPrecisionIsReachedFinishAndCountAndNothingCanBeChangedAnyMore() {
    // Six passes give a half-width of 0.194; runs from the seventh on hang, and the sixth answers
    // only once the seventh has started, so one is in flight when the sixth pass is counted.
    fakes.agent(
        request -> {
          if (request.run().sequence() >= 6) {
            return fakes.hang(request);
          }
          if (request.run().sequence() == 5) {
            FakeActivities.waitUntil("the seventh run to start", () -> fakes.hanging() > 0);
          }
          return FakeActivities.speak(request);
        });
    BatchInput input = adaptive(100, 2, 0.2, 1);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil(
        "the precision to be reached", () -> !fakes.batchesControlled().isEmpty());
    int started = fakes.batchesControlled().get(0).runs();

    assertThat(started).isBetween(7, 8);
    assertThat(fakes.hanging()).as("runs in flight").isEqualTo(started - 6);
    assertRefused(() -> batch.raiseRuns(200), Reason.BATCH_ENDING);
    assertRefused(batch::pauseRuns, Reason.BATCH_ENDING);
    fakes.release();

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, started));
    assertThat(fakes.recordedStopped()).isEmpty();
    assertThat(batch.progress())
        .isEqualTo(
            new BatchProgress(
                BatchStatus.COMPLETED, started, new RunCounts(started, 0, 0, 0), 0, started));
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.COMPLETED, StopReason.PRECISION_REACHED));
  }

  @Test
  void raisingTheRunCountStartsTheExtraRunsAndACountBelowTheStartedOnesIsRefused() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(3, 5, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("three runs in flight", () -> fakes.hanging() == 3);
    assertRefused(() -> batch.raiseRuns(2), Reason.RUNS_BELOW_STARTED);
    batch.raiseRuns(5);

    assertThat(fakes.batchesControlled())
        .containsExactly(new Controlled(input.batchId(), 5, 5, false));
    FakeActivities.waitUntil("five runs in flight", () -> fakes.hanging() == 5);
    fakes.release();
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, 5));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 5, new RunCounts(5, 0, 0, 0), 0, 5));
    assertThatThrownBy(() -> batch.raiseRuns(10))
        .as("a finished batch")
        .isInstanceOf(WorkflowException.class);
  }

  @Test
  void aWiderWindowStartsMoreRunsAtOnce() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(6, 2, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("two runs in flight", () -> fakes.hanging() == 2);
    assertRefused(() -> batch.changeConcurrency(0), Reason.NO_CONCURRENCY);
    batch.changeConcurrency(4);

    FakeActivities.waitUntil("four runs in flight", () -> fakes.hanging() == 4);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(fakes.batchesControlled())
        .containsExactly(new Controlled(input.batchId(), 6, 4, false));
    fakes.release();
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.maxConcurrentRuns()).isEqualTo(4);
  }

  @Test
  void aNarrowerWindowLetsTheRunsInFlightFinishAndThenStartsOneAtATime() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(8, 4, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("four runs in flight", () -> fakes.hanging() == 4);
    batch.changeConcurrency(1);
    fakes.release();

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.recordedStopped()).as("no run was cancelled").isEmpty();
    assertThat(fakes.reported())
        .extracting(RunOutcome::verdict)
        .hasSize(8)
        .containsOnly(Verdict.SUCCESS);
    List<String> log = fakes.log();
    List<String> afterTheFirstFour = log.subList(log.indexOf("startRun 4"), log.size());
    assertThat(afterTheFirstFour)
        .as("one run at a time")
        .containsExactly(
            "startRun 4",
            "reported 4 SUCCESS",
            "startRun 5",
            "reported 5 SUCCESS",
            "startRun 6",
            "reported 6 SUCCESS",
            "startRun 7",
            "reported 7 SUCCESS");
  }

  @Test
  void aPausedBatchStartsNoRunUntilItIsResumed() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(6, 2, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("two runs in flight", () -> fakes.hanging() == 2);
    batch.pauseRuns();
    batch.pauseRuns();
    fakes.release();
    FakeActivities.waitUntil(
        "the runs in flight to be counted", () -> batch.progress().counts().finished() == 2);

    assertThat(batch.progress())
        .as("the runs in flight finished, no other started")
        .isEqualTo(new BatchProgress(BatchStatus.RUNNING, 6, new RunCounts(2, 0, 0, 0), 0, 2));
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(0, 1);
    assertThat(fakes.batchesControlled())
        .containsExactly(
            new Controlled(input.batchId(), 6, 2, true),
            new Controlled(input.batchId(), 6, 2, true));

    batch.resumeRuns();
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, 6));
    assertThat(fakes.batchesControlled())
        .last()
        .isEqualTo(new Controlled(input.batchId(), 6, 2, false));
  }

  @Test
  void aStoppingBatchRefusesEveryChange() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(6, 2, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("two runs in flight", () -> fakes.hanging() == 2);
    batch.stopBatch("user");

    assertRefused(() -> batch.raiseRuns(10), Reason.BATCH_ENDING);
    assertRefused(() -> batch.changeConcurrency(3), Reason.BATCH_ENDING);
    assertRefused(batch::pauseRuns, Reason.BATCH_ENDING);
    assertRefused(batch::resumeRuns, Reason.BATCH_ENDING);
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.STOPPED);
    assertThat(fakes.batchesControlled()).isEmpty();
  }

  @Test
  void aBatchContinuedAsNewKeepsItsRaisedCountAndItsPause() throws InterruptedException {
    BatchInput input =
        adaptive(4, 2, 0.01, 1)
            .withControl(6, 2, true)
            .withState(new BatchState(3, List.of(), new RunCounts(3, 0, 0, 0), 0));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    Thread.sleep(500);

    assertThat(batch.progress())
        .as("paused")
        .isEqualTo(new BatchProgress(BatchStatus.RUNNING, 6, new RunCounts(3, 0, 0, 0), 0, 3));
    assertThat(fakes.startedRuns()).isEmpty();
    batch.resumeRuns();
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(3, 4, 5);
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
  }

  @Test
  void aBatchContinuedAsNewAfterItsPrecisionWasReachedStartsNoMoreRuns() {
    BatchInput input =
        adaptive(10, 2, 0.01, 1)
            .withControl(3, 2, false)
            .withState(new BatchState(3, List.of(), new RunCounts(3, 0, 0, 0), 0, List.of(), true));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);

    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).isEmpty();
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.COMPLETED, StopReason.PRECISION_REACHED));
  }

  private static BatchInput adaptive(int maxRuns, int concurrency, double halfWidth, int minRuns) {
    BatchInput fixed = batch(maxRuns, concurrency, false, 0, runSettings(1));
    return new BatchInput(
        fixed.batchId(),
        fixed.projectId(),
        fixed.scenarioId(),
        fixed.agentId(),
        fixed.modelId(),
        maxRuns,
        concurrency,
        false,
        0,
        fixed.runSettings(),
        0,
        new Precision(halfWidth, minRuns),
        false,
        null);
  }

  private static void assertRefused(ThrowingCallable update, Reason reason) {
    assertThatThrownBy(update)
        .isInstanceOfSatisfying(
            WorkflowUpdateException.class,
            refused ->
                assertThat(ControlRefusal.of(refused))
                    .get()
                    .extracting(ControlRefusal::reason)
                    .isEqualTo(reason));
  }

  private BatchStatus awaitResult(BatchWorkflow batch) {
    try {
      return WorkflowStub.fromTyped(batch).getResult(60, TimeUnit.SECONDS, BatchStatus.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the batch did not finish; progress: " + batch.progress(), e);
    }
  }
}
