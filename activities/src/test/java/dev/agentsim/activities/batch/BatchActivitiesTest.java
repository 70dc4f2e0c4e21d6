package dev.agentsim.activities.batch;

import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchProgress;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.batch.RunCounts;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batch's record, run reports by signal, and a whole batch on the real workflows and
 * activities.
 */
class BatchActivitiesTest {

  private static final String FAKE_BATCH_QUEUE = "fake-batch";

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension AGENT = wireMock();

  private static Temporal temporal;
  private static BatchActivitiesImpl activities;
  private static UUID scenarioId;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    temporal =
        Temporal.start(
            DB,
            DB.activities(Duration.ofSeconds(5)),
            env ->
                env.newWorker(FAKE_BATCH_QUEUE)
                    .registerWorkflowImplementationTypes(FakeBatch.class));
    activities =
        new BatchActivitiesImpl(
            DB.batches,
            DB.runs,
            temporal.env.getWorkflowClient(),
            DB.webhookDispatch(temporal.env.getWorkflowClient()));
    scenarioId =
        DB.scenario(
            scripted(List.of(criterion("contains", Map.of("value", "help"))), "Hello", "Bye"));
    agentId = DB.agent(agentConfig(AGENT.baseUrl(), 2_000));
    modelId = DB.model("http://localhost:1");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private UUID newBatch(int runs) {
    UUID batchId = UUID.randomUUID();
    DB.batches.insert(
        batchId,
        PROJECT,
        scenarioId,
        agentId,
        modelId,
        "Nightly",
        runs,
        "http",
        Map.of(),
        "test",
        Map.of());
    return batchId;
  }

  @Test
  void recordsTheLiveControlInTheBatchAndTheInputKeptForARestart() {
    UUID batchId = newBatch(3);
    BatchInput input =
        new BatchInput(
            batchId.toString(),
            PROJECT,
            scenarioId.toString(),
            agentId.toString(),
            modelId.toString(),
            3,
            2,
            false,
            0,
            settings(false, 5, FAST_RETRY),
            0,
            null);
    DB.batches.recordWorkflowInput(batchId, input);

    activities.batchControlled(batchId.toString(), 7, 4, true);

    Batch stored = DB.batches.find(PROJECT, batchId).orElseThrow();
    assertThat(stored.runs()).isEqualTo(7);
    assertThat(stored.paused()).isTrue();
    BatchInput kept =
        DB.batches.unfinished().stream()
            .filter(batch -> batch.id().equals(batchId))
            .findFirst()
            .orElseThrow()
            .workflowInput();
    assertThat(kept).isEqualTo(input.withControl(7, 4, true));
  }

  @Test
  void recordsStartAndFinish() {
    UUID batchId = newBatch(1);

    activities.batchStarted(batchId.toString());
    activities.batchStarted(batchId.toString());
    Batch running = DB.batches.find(PROJECT, batchId).orElseThrow();
    activities.batchFinished(batchId.toString(), BatchStatus.FAILED, StopReason.STOP_ON_FAILURE);
    Batch finished = DB.batches.find(PROJECT, batchId).orElseThrow();

    assertThat(running.status()).isEqualTo(BatchStatus.RUNNING);
    assertThat(running.startedAt()).isNotNull();
    assertThat(finished.status()).isEqualTo(BatchStatus.FAILED);
    assertThat(finished.stopReason()).isEqualTo(StopReason.STOP_ON_FAILURE);
    assertThat(finished.startedAt()).isEqualTo(running.startedAt());
    assertThat(finished.completedAt()).isNotNull();
  }

  @Test
  void reportsARunToItsBatchBySignal() {
    String workflowId = "fake-batch-" + UUID.randomUUID();
    BatchWorkflow batch =
        temporal
            .env
            .getWorkflowClient()
            .newWorkflowStub(
                BatchWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(FAKE_BATCH_QUEUE)
                    .setWorkflowId(workflowId)
                    .build());
    WorkflowClient.start(batch::run, (BatchInput) null);

    activities.reportRun(
        workflowId,
        new RunOutcome(3, Verdict.FAILED, TerminationReason.MAX_TURNS, ErrorCategory.NONE));

    assertThat(
            temporal
                .env
                .getWorkflowClient()
                .newUntypedWorkflowStub(workflowId)
                .getResult(BatchStatus.class))
        .isEqualTo(BatchStatus.COMPLETED);
    assertThat(batch.progress().counts()).isEqualTo(new RunCounts(0, 1, 0, 0));
    assertThat(batch.progress().nextSequence()).isEqualTo(3);
  }

  @Test
  void aReportToABatchThatHasEndedCountsAsDelivered() {
    String workflowId = "fake-batch-" + UUID.randomUUID();
    BatchWorkflow batch =
        temporal
            .env
            .getWorkflowClient()
            .newWorkflowStub(
                BatchWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(FAKE_BATCH_QUEUE)
                    .setWorkflowId(workflowId)
                    .build());
    WorkflowClient.start(batch::run, (BatchInput) null);
    activities.reportRun(
        workflowId,
        new RunOutcome(0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE));
    temporal
        .env
        .getWorkflowClient()
        .newUntypedWorkflowStub(workflowId)
        .getResult(BatchStatus.class);

    assertThatCode(
            () ->
                activities.reportRun(
                    workflowId,
                    new RunOutcome(
                        1, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                activities.reportRun(
                    "batch-" + UUID.randomUUID(),
                    new RunOutcome(
                        0, Verdict.SUCCESS, TerminationReason.USER_STOP, ErrorCategory.NONE)))
        .as("a batch Temporal does not know")
        .doesNotThrowAnyException();
  }

  @Test
  void settlesRunsWhoseWorkflowsEndedAndLeavesRunningOnes() {
    UUID batchId = newBatch(3);
    // Run 0 never started; run 1 is still running; run 2 recorded its own end before its workflow
    // ended.
    WorkflowClient client = temporal.env.getWorkflowClient();
    WorkflowClient.start(
        client.newWorkflowStub(
                BatchWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(FAKE_BATCH_QUEUE)
                    .setWorkflowId(BatchWorkflow.runWorkflowId(batchId.toString(), 1))
                    .build())
            ::run,
        (BatchInput) null);
    UUID run2 = UUID.fromString(BatchWorkflow.runId(batchId.toString(), 2));
    DB.runs.start(run2, batchId, 2, List.of(), 3, settings(false, 3, FAST_RETRY));
    DB.runs.complete(
        run2, TerminationReason.MAX_TURNS, Evaluation.judged(List.of(), null, null), null);

    List<RunOutcome> settled = activities.settleRuns(batchId.toString(), 3, List.of(0, 1, 2));

    assertThat(settled)
        .containsExactly(
            new RunOutcome(0, Verdict.ERROR, null, ErrorCategory.UNKNOWN),
            new RunOutcome(2, Verdict.SUCCESS, TerminationReason.MAX_TURNS, ErrorCategory.NONE));
    Run lost =
        DB.runs
            .find(batchId, UUID.fromString(BatchWorkflow.runId(batchId.toString(), 0)))
            .orElseThrow();
    assertThat(lost.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(lost.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(lost.errorMessage()).contains("was never started");
    assertThat(DB.runs.find(batchId, UUID.fromString(BatchWorkflow.runId(batchId.toString(), 1))))
        .isEmpty();
  }

  @Test
  void runsAWholeBatch() {
    UUID batchId = newBatch(3);
    AGENT.stubFor(agentCall().willReturn(agentReply("How can I help?", false)));
    BatchWorkflow batch =
        temporal
            .env
            .getWorkflowClient()
            .newWorkflowStub(
                BatchWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.SIMULATION)
                    .setWorkflowId(BatchWorkflow.workflowId(batchId.toString()))
                    .build());

    BatchStatus status =
        batch.run(
            new BatchInput(
                batchId.toString(),
                PROJECT,
                scenarioId.toString(),
                agentId.toString(),
                modelId.toString(),
                3,
                2,
                false,
                0,
                settings(false, 5, FAST_RETRY),
                0,
                null));

    assertThat(status).isEqualTo(BatchStatus.COMPLETED);
    Batch stored = DB.batches.find(PROJECT, batchId).orElseThrow();
    assertThat(stored.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(stored.tally().succeeded()).isEqualTo(3);
    List<Run> runs = DB.runs.page(batchId, null, RunSort.SEQUENCE, true, 10, 0);
    assertThat(runs).extracting(Run::sequence).containsExactly(0, 1, 2);
    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.verdict()).isEqualTo(Verdict.SUCCESS);
              assertThat(run.terminationReason()).isEqualTo(TerminationReason.USER_STOP);
              assertThat(run.turns()).hasSize(4);
            });
  }

  /** Stands in for the batch: waits for one run's report. */
  public static class FakeBatch implements BatchWorkflow {

    private RunCounts counts = RunCounts.ZERO;
    private int lastSequence = -1;

    @Override
    public BatchStatus run(BatchInput input) {
      Workflow.await(() -> counts.finished() > 0);
      return BatchStatus.COMPLETED;
    }

    @Override
    public void cancel(String reason) {}

    @Override
    public void stopBatch(String reason) {}

    @Override
    public void validateStopBatch(String reason) {}

    @Override
    public void raiseRuns(int runs) {}

    @Override
    public void validateRaiseRuns(int runs) {}

    @Override
    public void changeConcurrency(int concurrency) {}

    @Override
    public void validateChangeConcurrency(int concurrency) {}

    @Override
    public void pauseRuns() {}

    @Override
    public void validatePauseRuns() {}

    @Override
    public void resumeRuns() {}

    @Override
    public void validateResumeRuns() {}

    @Override
    public void runFinished(RunOutcome outcome) {
      counts = counts.plus(outcome);
      lastSequence = outcome.sequence();
    }

    @Override
    public BatchProgress progress() {
      return new BatchProgress(BatchStatus.RUNNING, 1, counts, 0, lastSequence);
    }
  }
}
