package dev.agentsim.activities.batch;

import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.activities.batch.BatchActivitiesTest.FakeBatch;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.sweep.SweepInput;
import dev.agentsim.workflows.sweep.SweepReport;
import dev.agentsim.workflows.sweep.SweepWorkflow;
import dev.agentsim.workflows.sweep.SweepWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sweep, run as its workflow: batches and rejudges the database says are under way, against
 * what Temporal says of their workflows.
 */
class SweepActivitiesTest {

  private static final String FAKES = "fakes";
  private static final String SWEEP = "sweep";

  @RegisterExtension static final Database DB = new Database();

  private static Temporal temporal;
  private static WorkflowClient client;
  private static UUID scenarioId;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    temporal =
        Temporal.start(
            DB,
            DB.activities(Duration.ofSeconds(5)),
            env -> {
              env.newWorker(FAKES).registerWorkflowImplementationTypes(FakeBatch.class);
              Worker sweep = env.newWorker(SWEEP);
              sweep.registerWorkflowImplementationTypes(SweepWorkflowImpl.class);
              sweep.registerActivitiesImplementations(
                  new SweepActivitiesImpl(
                      DB.batches,
                      DB.runs,
                      env.getWorkflowClient(),
                      DB.webhookDispatch(env.getWorkflowClient())));
            });
    client = temporal.env.getWorkflowClient();
    scenarioId =
        DB.scenario(scripted(List.of(criterion("contains", Map.of("value", "help"))), "Hello"));
    agentId = DB.agent(agentConfig("http://localhost:1", 2_000));
    modelId = DB.model("http://localhost:1");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void endsBatchesWhoseWorkflowEndedUnrecordedAndTheirRunsWithThem() {
    // Terminated in Temporal with three runs recorded: one finished, one whose workflow still
    // runs, one whose workflow Temporal does not know.
    UUID terminated = runningBatch(3);
    startFake(BatchWorkflow.workflowId(terminated.toString()));
    client
        .newUntypedWorkflowStub(BatchWorkflow.workflowId(terminated.toString()))
        .terminate("from the UI");
    UUID finishedRun = recordRun(terminated, 0);
    DB.runs.complete(
        finishedRun, TerminationReason.MAX_TURNS, Evaluation.judged(List.of(), null, null), null);
    recordRun(terminated, 1);
    String stillRunning = BatchWorkflow.runWorkflowId(terminated.toString(), 1);
    startFake(stillRunning);
    UUID lostRun = recordRun(terminated, 2);
    // Cancelled in Temporal by code that could not record it; one whose workflow runs; one Temporal
    // never heard of.
    UUID cancelled = runningBatch(1);
    startFake(BatchWorkflow.workflowId(cancelled.toString()));
    client.newUntypedWorkflowStub(BatchWorkflow.workflowId(cancelled.toString())).cancel();
    UUID healthy = runningBatch(1);
    startFake(BatchWorkflow.workflowId(healthy.toString()));
    UUID unknown = runningBatch(1);

    SweepReport report = sweep(0);

    assertThat(report).isEqualTo(new SweepReport(4, 3, 1, 1, 0));
    Batch ended = batch(terminated);
    assertThat(ended.status()).isEqualTo(BatchStatus.FAILED);
    assertThat(ended.stopReason()).isEqualTo(StopReason.ERROR);
    assertThat(ended.stopDetail())
        .contains("ended as terminated")
        .contains(BatchWorkflow.workflowId(terminated.toString()));
    assertThat(ended.completedAt()).isNotNull();
    assertThat(run(terminated, finishedRun).verdict()).isEqualTo(Verdict.SUCCESS);
    Run lost = run(terminated, lostRun);
    assertThat(lost.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(lost.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(lost.errorCategory()).isEqualTo(ErrorCategory.UNKNOWN);
    assertThat(lost.errorMessage()).contains("was never started");
    assertThat(client.newUntypedWorkflowStub(stillRunning).describe().getStatus())
        .as("a run of an ended batch stops calling the agent")
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(batch(cancelled).status()).isEqualTo(BatchStatus.STOPPED);
    assertThat(batch(cancelled).stopReason()).isEqualTo(StopReason.USER_CANCELLED);
    assertThat(batch(healthy).status()).isEqualTo(BatchStatus.RUNNING);
    assertThat(batch(healthy).stopDetail()).isNull();
    assertThat(batch(unknown).status()).isEqualTo(BatchStatus.FAILED);
    assertThat(batch(unknown).stopDetail()).contains("is unknown to Temporal");

    assertThat(sweep(0))
        .as("a second sweep finds nothing more to do")
        .isEqualTo(new SweepReport(1, 0, 0, 0, 0));
    assertThat(sweep(3600))
        .as("nothing younger than the sweep's delay is checked")
        .isEqualTo(new SweepReport(0, 0, 0, 0, 0));
  }

  @Test
  void failsARejudgeWhoseWorkflowIsGoneSoTheBatchCanBeRejudgedAgain() {
    UUID batchId = runningBatch(1);
    DB.batches.finish(batchId, BatchStatus.COMPLETED, null);
    int number = DB.batches.startRejudge(batchId, List.of()).orElseThrow();
    assertThat(DB.batches.startRejudge(batchId, List.of())).as("one rejudge at a time").isEmpty();

    SweepReport report = sweep(0);

    assertThat(report.rejudgesFailed()).isEqualTo(1);
    assertThat(batch(batchId).rejudging()).isFalse();
    assertThat(DB.batches.startRejudge(batchId, List.of())).hasValue(number + 1);
  }

  private static UUID runningBatch(int runs) {
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
    DB.batches.markRunning(batchId);
    return batchId;
  }

  private static UUID recordRun(UUID batchId, int sequence) {
    UUID runId = UUID.fromString(BatchWorkflow.runId(batchId.toString(), sequence));
    DB.runs.start(runId, batchId, sequence, List.of(), 3, settings(false, 3, FAST_RETRY));
    return runId;
  }

  private static void startFake(String workflowId) {
    WorkflowClient.start(
        client.newWorkflowStub(
                BatchWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(FAKES).setWorkflowId(workflowId).build())
            ::run,
        (BatchInput) null);
  }

  private static SweepReport sweep(long afterSeconds) {
    return client
        .newWorkflowStub(
            SweepWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(SWEEP)
                .setWorkflowId(SweepWorkflow.ID + "-" + UUID.randomUUID())
                .build())
        .sweep(new SweepInput(afterSeconds));
  }

  private static Batch batch(UUID batchId) {
    return DB.batches.find(PROJECT, batchId).orElseThrow();
  }

  private static Run run(UUID batchId, UUID runId) {
    return DB.runs.find(batchId, runId).orElseThrow();
  }
}
