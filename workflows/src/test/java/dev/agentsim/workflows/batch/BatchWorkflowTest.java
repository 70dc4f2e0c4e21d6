package dev.agentsim.workflows.batch;

import static dev.agentsim.workflows.FakeActivities.sequences;
import static dev.agentsim.workflows.SimulationTesting.batch;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.FakeActivities.Finished;
import dev.agentsim.workflows.FakeActivities.Party;
import dev.agentsim.workflows.FakeActivities.TurnCall;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.run.ConversationWorkflow;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batch's sliding window and the three ways a batch stops early. */
@Timeout(90)
class BatchWorkflowTest extends WorkflowTestSupport {

  private BatchStatus awaitResult(BatchWorkflow batch) {
    try {
      return WorkflowStub.fromTyped(batch).getResult(60, TimeUnit.SECONDS, BatchStatus.class);
    } catch (TimeoutException e) {
      throw new AssertionError("the batch did not finish; progress: " + batch.progress(), e);
    }
  }

  private static List<Integer> sequencesOf(List<Conclusion> conclusions) {
    return conclusions.stream().map(conclusion -> conclusion.run().sequence()).toList();
  }

  @Test
  void slidingWindowNeverExceedsConcurrency() {
    // The first four runs wait (a bounded while) for each other, so a window of four is
    // actually reached if the batch allows it; every agent answer takes a little time, so
    // runs overlap through the whole batch.
    fakes.agent(
        request -> {
          if (request.run().sequence() < 4) {
            FakeActivities.waitUntil("four runs at once", () -> fakes.concurrentRuns() >= 4);
          }
          sleep(Duration.ofMillis(5));
          return FakeActivities.speak(request);
        });
    BatchInput input = batch(30, 4, false, 0, runSettings(2));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.maxConcurrentRuns()).as("most runs in flight at once").isEqualTo(4);
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, 30));
    assertThat(fakes.reported())
        .extracting(RunOutcome::sequence)
        .containsExactlyInAnyOrderElementsOf(sequences(0, 30));
    assertThat(fakes.reported())
        .allSatisfy(
            outcome -> {
              assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
              assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
            });
    assertThat(fakes.batchesStarted()).containsExactly(input.batchId());
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 30, new RunCounts(30, 0, 0, 0), 0, 30));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("completed");
    String aRun = BatchWorkflow.runWorkflowId(input.batchId(), 17);
    assertThat(searchAttribute(aRun, SimulationSearchAttributes.PROJECT))
        .isEqualTo(SimulationTesting.PROJECT);
    assertThat(searchAttribute(aRun, SimulationSearchAttributes.BATCH)).isEqualTo(input.batchId());
    assertThat(searchAttribute(aRun, SimulationSearchAttributes.SCENARIO))
        .isEqualTo(SimulationTesting.SCENARIO);
  }

  @Test
  void stopOnFailureCancelsRunsInFlightAndStartsNoMore() {
    // Runs 0 and 1 hang; run 2 waits until they hang, then finishes and is judged FAILED. Only
    // run 2's report could free a slot in the window of three, and it stops the batch.
    fakes.agent(
        request -> {
          if (request.run().sequence() != 2) {
            return fakes.hang(request);
          }
          FakeActivities.waitUntil("runs 0 and 1 in flight", () -> fakes.hanging() == 2);
          return FakeActivities.speak(request);
        });
    fakes.judge(conclusion -> conclusion.run().sequence() == 2 ? Verdict.FAILED : Verdict.SUCCESS);
    BatchInput input = batch(10, 3, true, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.FAILED);
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.FAILED, StopReason.STOP_ON_FAILURE));
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(0, 1, 2);
    List<String> log = fakes.log();
    int failure = log.indexOf("reported 2 FAILED");
    assertThat(failure).as("run 2's failure was reported").isNotNegative();
    assertThat(log.subList(failure, log.size()))
        .as("no run starts after the failure")
        .noneMatch(entry -> entry.startsWith("startRun"));
    assertThat(sequencesOf(fakes.recordedStopped())).containsExactlyInAnyOrder(0, 1);
    assertThat(fakes.recordedStopped())
        .extracting(Conclusion::reason)
        .containsOnly(TerminationReason.CANCELLED);
    assertThat(fakes.reported())
        .filteredOn(RunOutcome::stopped)
        .extracting(RunOutcome::sequence)
        .containsExactlyInAnyOrder(0, 1);
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.FAILED, 10, new RunCounts(0, 1, 0, 2), 0, 3));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("failed");
  }

  @Test
  void stopOnFailureCountsAnAgentErrorAsAFailure() {
    fakes.agent(
        request ->
            request.run().sequence() == 3
                ? FakeActivities.failing(ErrorCategory.AI_AGENT_ERROR).take(request)
                : FakeActivities.speak(request));
    BatchInput input = batch(10, 1, true, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.FAILED);
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.FAILED, StopReason.STOP_ON_FAILURE));
    assertThat(fakes.startedRuns())
        .as("one at a time, none after the error")
        .containsExactly(0, 1, 2, 3);
    assertThat(fakes.turns(Party.AGENT))
        .filteredOn(call -> call.run() == 3)
        .extracting(TurnCall::attempt)
        .containsExactly(1, 2);
    assertThat(fakes.recordedErrors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.run().sequence()).isEqualTo(3);
              assertThat(error.category()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
            });
    assertThat(fakes.reported())
        .filteredOn(outcome -> outcome.sequence() == 3)
        .singleElement()
        .isEqualTo(
            new RunOutcome(
                3, Verdict.ERROR, TerminationReason.AGENT_ERROR, ErrorCategory.AI_AGENT_ERROR));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.FAILED, 10, new RunCounts(3, 0, 1, 0), 0, 4));
  }

  @Test
  void withoutStopOnFailureFailedRunsAreCountedAndTheBatchCompletes() {
    fakes.judge(conclusion -> conclusion.run().sequence() == 3 ? Verdict.FAILED : Verdict.SUCCESS);
    fakes.agent(
        request ->
            request.run().sequence() == 5
                ? FakeActivities.failing(ErrorCategory.AI_AGENT_TIMEOUT).take(request)
                : FakeActivities.speak(request));
    BatchInput input = batch(10, 3, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrderElementsOf(sequences(0, 10));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 10, new RunCounts(8, 1, 1, 0), 0, 10));
  }

  @Test
  void timeoutStopsTheBatchAsFailedAndRecordsRunsInFlightAsStopped() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(10, 3, false, 2, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.FAILED);
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.FAILED, StopReason.TIMEOUT));
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(sequencesOf(fakes.recordedStopped())).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(fakes.evaluated()).isEmpty();
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.FAILED, 10, new RunCounts(0, 0, 0, 3), 0, 3));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("failed");
  }

  @Test
  void cancelSignalStopsTheBatch() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(10, 3, true, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("three runs in flight", () -> fakes.hanging() == 3);
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.RUNNING, 10, RunCounts.ZERO, 3, 3));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("running");

    batch.cancel("user");
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.STOPPED);
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.STOPPED, StopReason.USER_CANCELLED));
    assertThat(fakes.startedRuns())
        .as("no run starts after the cancel")
        .containsExactlyInAnyOrder(0, 1, 2);
    assertThat(sequencesOf(fakes.recordedStopped())).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(fakes.reported())
        .extracting(RunOutcome::sequence)
        .containsExactlyInAnyOrder(0, 1, 2);
    assertThat(fakes.reported()).allMatch(RunOutcome::stopped);
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.STOPPED, 10, new RunCounts(0, 0, 0, 3), 0, 3));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("stopped");
  }

  @Test
  void theStopUpdateIsTakenOnceAndRefusedAfterwards() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(10, 3, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("three runs in flight", () -> fakes.hanging() == 3);
    batch.stopBatch("user");

    assertThatThrownBy(() -> batch.stopBatch("again"))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("The batch is stopping already");
    assertThat(awaitResult(batch)).isEqualTo(BatchStatus.STOPPED);
    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.STOPPED, StopReason.USER_CANCELLED));
    assertThat(sequencesOf(fakes.recordedStopped())).containsExactlyInAnyOrder(0, 1, 2);
    assertThatThrownBy(() -> batch.stopBatch("after it ended"))
        .isInstanceOf(WorkflowException.class);
  }

  @Test
  void aRunWhoseWorkflowIsTerminatedIsCountedAsAnError() {
    fakes.agent(
        request ->
            request.run().sequence() == 1 ? fakes.hang(request) : FakeActivities.speak(request));
    // The test server does not tell a parent that its child was terminated, as Temporal does; the
    // batch then learns it when it asks Temporal about a window that has gone quiet.
    BatchInput input = withStallCheck(batch(3, 3, false, 0, runSettings(1)), 2);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("run 1 in flight", () -> fakes.hanging() == 1);
    client
        .newUntypedWorkflowStub(BatchWorkflow.runWorkflowId(input.batchId(), 1))
        .terminate("by an operator");
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.settled())
        .containsExactly(new RunOutcome(1, Verdict.ERROR, null, ErrorCategory.UNKNOWN));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 3, new RunCounts(2, 0, 1, 0), 0, 3));
    assertThat(fakes.batchesFinished())
        .containsExactly(new Finished(input.batchId(), BatchStatus.COMPLETED, null));
  }

  @Test
  void aCancelFromTemporalStopsTheBatchAsAStopDoes() {
    fakes.agent(fakes::hang);
    BatchInput input = batch(10, 3, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("three runs in flight", () -> fakes.hanging() == 3);
    WorkflowStub.fromTyped(batch).cancel();

    // Temporal shows the batch cancelled; its record, its runs and its search attribute say
    // stopped.
    assertThatThrownBy(
            () -> WorkflowStub.fromTyped(batch).getResult(60, TimeUnit.SECONDS, BatchStatus.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);

    assertThat(fakes.batchesFinished())
        .containsExactly(
            new Finished(input.batchId(), BatchStatus.STOPPED, StopReason.USER_CANCELLED));
    assertThat(fakes.startedRuns()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(sequencesOf(fakes.recordedStopped())).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.STOPPED, 10, new RunCounts(0, 0, 0, 3), 0, 3));
    assertThat(
            searchAttribute(
                BatchWorkflow.workflowId(input.batchId()), SimulationSearchAttributes.STATUS))
        .isEqualTo("stopped");
  }

  @Test
  void aRunThatHasRunAlreadyIsNotRunAgain() {
    // After a reset of its batch, a run's workflow exists already: here run 0 has finished.
    fakes.judge(conclusion -> Verdict.FAILED);
    BatchInput input = batch(2, 2, false, 0, runSettings(1));
    RunInput run0 =
        new RunInput(
            null,
            input.batchId(),
            BatchWorkflow.runId(input.batchId(), 0),
            0,
            input.projectId(),
            input.scenarioId(),
            input.agentId(),
            input.modelId(),
            input.runSettings());
    client
        .newWorkflowStub(
            ConversationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BatchWorkflow.runWorkflowId(input.batchId(), 0))
                .setTaskQueue(taskQueue)
                .build())
        .run(run0);

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.startedRuns()).as("run 0 ran once, before the batch").containsExactly(0, 1);
    assertThat(fakes.settled())
        .containsExactly(
            new RunOutcome(0, Verdict.FAILED, TerminationReason.MAX_TURNS, ErrorCategory.NONE));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 2, new RunCounts(0, 2, 0, 0), 0, 2));
  }

  @Test
  void aReportThatFailsAThousandTimesIsDeliveredInTheEnd() {
    fakes.failReports(1_000);
    BatchInput input = batch(2, 2, false, 0, runSettings(1));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.failedReports()).isEqualTo(1_000);
    assertThat(fakes.reported()).extracting(RunOutcome::sequence).containsExactlyInAnyOrder(0, 1);
    assertThat(fakes.settled()).isEmpty();
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 2, new RunCounts(2, 0, 0, 0), 0, 2));
  }

  @Test
  void aWindowThatHearsNothingAsksTemporalAboutItsRuns() {
    // Resumed after a continue-as-new with run 7 in flight, whose workflow is gone.
    BatchInput input =
        withStallCheck(batch(8, 2, false, 0, runSettings(1)), 60)
            .withState(new BatchState(8, List.of(7), new RunCounts(7, 0, 0, 0), 0));

    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    BatchStatus status = awaitResult(batch);

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    assertThat(fakes.settled())
        .containsExactly(new RunOutcome(7, Verdict.ERROR, null, ErrorCategory.UNKNOWN));
    assertThat(batch.progress())
        .isEqualTo(new BatchProgress(BatchStatus.COMPLETED, 8, new RunCounts(7, 0, 1, 0), 0, 8));
  }

  private static BatchInput withStallCheck(BatchInput input, long seconds) {
    return new BatchInput(
        input.batchId(),
        input.projectId(),
        input.scenarioId(),
        input.agentId(),
        input.modelId(),
        input.runs(),
        input.concurrency(),
        input.stopOnFailure(),
        input.timeoutSeconds(),
        input.runSettings(),
        seconds,
        input.state());
  }

  /** What the Temporal Web UI shows for a workflow's search attribute. */
  private String searchAttribute(String workflowId, SearchAttributeKey<String> key) {
    return client.newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes().get(key);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
