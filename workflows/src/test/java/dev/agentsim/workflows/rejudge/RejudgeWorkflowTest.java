package dev.agentsim.workflows.rejudge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.RetrySettings;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rejudge workflow with a fake store and judge: every run once, bounded, failures per run. */
@Timeout(60)
class RejudgeWorkflowTest {

  private static final RetrySettings FAST_RETRY = new RetrySettings(3, 10, 5);
  private static final String BATCH = "batch-1";

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(RejudgeWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private WorkflowClient client;
  private String taskQueue;
  private final FakeRejudge fake = new FakeRejudge();

  @BeforeEach
  void setUp(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    this.client = client;
    this.taskQueue = worker.getTaskQueue();
    worker.registerActivitiesImplementations(fake);
    env.start();
  }

  private void rejudge(int concurrency, int afterSequence) {
    client
        .newWorkflowStub(
            RejudgeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(RejudgeWorkflow.workflowId(BATCH, 2))
                .setTaskQueue(taskQueue)
                .build())
        .run(new RejudgeInput(BATCH, 2, concurrency, FAST_RETRY, afterSequence));
  }

  @Test
  void judgesEveryRunOnceAtMostConcurrencyAtATime() {
    fake.runs = 250; // three pages

    rejudge(4, -1);

    assertThat(fake.judged)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 250).boxed().toList());
    assertThat(fake.maxInFlight.get()).isEqualTo(4);
    assertThat(fake.errors).isEmpty();
    assertThat(fake.finished).containsExactly(2);
    assertThat(fake.evaluations).containsOnly(2);
  }

  @Test
  void itsHistoryReplaysAgainstTheCurrentCode() throws Exception {
    fake.runs = 5;
    fake.failing = sequence -> sequence == 3;
    rejudge(2, -1);

    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(RejudgeWorkflow.workflowId(BATCH, 2)), RejudgeWorkflowImpl.class);
  }

  /**
   * Not a test: records this code's rejudge into the replay set's {@code histories/<release>/}, on
   * demand only.
   */
  @Test
  @EnabledIfSystemProperty(named = "recordReplaySet", matches = "[\\w.-]+")
  void recordReplaySet() throws Exception {
    Path file =
        Path.of(
            "src/test/resources/histories", System.getProperty("recordReplaySet"), "rejudge.json");
    if (Files.exists(file)) {
      return;
    }
    fake.runs = 5;
    fake.failing = sequence -> sequence == 3;
    rejudge(2, -1);
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        client.fetchHistory(RejudgeWorkflow.workflowId(BATCH, 2)).toJson(true),
        StandardCharsets.UTF_8);
  }

  @Test
  void aJudgeThatKeepsFailingMakesThatRunsEvaluationAnError() {
    fake.runs = 5;
    fake.failing = sequence -> sequence == 3;

    rejudge(2, -1);

    assertThat(fake.judged).containsExactlyInAnyOrder(0, 1, 2, 4);
    assertThat(fake.attempts.get(3)).isEqualTo(FAST_RETRY.maxAttempts());
    assertThat(fake.errors)
        .containsExactly("3: The success criteria could not be judged: the model is overloaded");
    assertThat(fake.finished).containsExactly(2);
  }

  @Test
  void aRunWhoseErrorCannotBeRecordedDoesNotHoldUpTheRejudge() {
    fake.runs = 3;
    fake.failing = sequence -> sequence == 1;
    fake.unrecordable = true;

    rejudge(3, -1);

    assertThat(fake.judged).containsExactlyInAnyOrder(0, 2);
    assertThat(fake.finished).as("the rejudge is over, so another may start").containsExactly(2);
  }

  @Test
  void waitingForAModelSlotUsesNoAttempt() {
    fake.runs = 3;
    fake.busy = attempt -> attempt <= 2 * FAST_RETRY.maxAttempts();

    rejudge(3, -1);

    assertThat(fake.judged).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(fake.attempts.values()).containsOnly(2 * FAST_RETRY.maxAttempts() + 1);
    assertThat(fake.errors).isEmpty();
  }

  @Test
  void continuesAfterTheSequenceItWasGiven() {
    fake.runs = 150;

    rejudge(10, 119);

    assertThat(fake.judged)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(120, 150).boxed().toList());
    assertThat(fake.finished).containsExactly(2);
  }

  @Test
  void aBatchWithNothingToJudgeFinishesAtOnce() {
    fake.runs = 0;

    rejudge(10, -1);

    assertThat(fake.judged).isEmpty();
    assertThat(fake.finished).containsExactly(2);
  }

  /** A batch of {@code runs} runs, sequences 0 to runs-1, every one rejudgeable. */
  static class FakeRejudge implements RejudgeActivities {

    volatile int runs;
    volatile Predicate<Integer> failing = sequence -> false;
    volatile Predicate<Integer> busy = attempt -> false;
    volatile boolean unrecordable;
    final Queue<Integer> judged = new ConcurrentLinkedQueue<>();
    final Queue<Integer> evaluations = new ConcurrentLinkedQueue<>();
    final Queue<String> errors = new ConcurrentLinkedQueue<>();
    final Queue<Integer> finished = new ConcurrentLinkedQueue<>();
    final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public List<RunToRejudge> runsToRejudge(
        String batchId, int evaluation, int afterSequence, int limit) {
      return IntStream.range(afterSequence + 1, runs)
          .limit(limit)
          .mapToObj(sequence -> new RunToRejudge(batchId, "run-" + sequence, sequence, evaluation))
          .toList();
    }

    @Override
    public void rejudgeRun(RunToRejudge run) {
      attempts.put(run.sequence(), Activity.getExecutionContext().getInfo().getAttempt());
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(10);
        int attempt = Activity.getExecutionContext().getInfo().getAttempt();
        if (busy.test(attempt)) {
          throw ApplicationFailure.newFailure("no free slot", "SIMULATOR_BUSY");
        }
        if (failing.test(run.sequence())) {
          // As the real activity does, the model's failures are counted and the last one is final.
          if (attempt >= FAST_RETRY.maxAttempts()) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the model is overloaded", ErrorCategory.LLM_PROVIDER_ERROR.name());
          }
          throw ApplicationFailure.newFailure(
              "the model is overloaded", ErrorCategory.LLM_PROVIDER_ERROR.name());
        }
        judged.add(run.sequence());
        evaluations.add(run.evaluation());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void recordRejudgeError(RunToRejudge run, String errorMessage, String technicalDetails) {
      if (unrecordable) {
        throw ApplicationFailure.newNonRetryableFailure("The run was deleted", "RUN_GONE");
      }
      errors.add(run.sequence() + ": " + errorMessage);
    }

    @Override
    public void finishRejudge(String batchId, int evaluation) {
      finished.add(evaluation);
    }
  }
}
