package dev.agentsim.workflows;

import static dev.agentsim.workflows.SimulationTesting.batch;
import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchState;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.batch.BatchWorkflowImpl;
import dev.agentsim.workflows.batch.RunCounts;
import dev.agentsim.workflows.rejudge.RejudgeWorkflowImpl;
import dev.agentsim.workflows.run.ConversationState;
import dev.agentsim.workflows.run.ConversationWorkflow;
import dev.agentsim.workflows.run.ConversationWorkflowImpl;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay set: every history recorded under {@code src/test/resources/histories/} (by earlier
 * code, which may still be in flight somewhere) replays against the current workflow code, and a
 * change that breaks replay is caught.
 *
 * <p>The set only grows. Each release's recordings go into a directory of their own, written by
 * {@code ./mvnw -pl workflows test -Dtest=ReplaySetTest -DrecordReplaySet=<release>}; an existing
 * file is never overwritten.
 */
@Timeout(120)
class ReplaySetTest extends WorkflowTestSupport {

  private static final Path HISTORIES = Path.of("src/test/resources/histories");

  static Stream<String> recordedHistories() throws IOException {
    try (Stream<Path> files = Files.walk(HISTORIES)) {
      return files
          .filter(file -> file.toString().endsWith(".json"))
          .map(file -> HISTORIES.relativize(file).toString().replace('\\', '/'))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("recordedHistories")
  void everyRecordedHistoryReplays(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        WorkflowExecutionHistory.fromJson(
            Files.readString(HISTORIES.resolve(history), StandardCharsets.UTF_8)),
        BatchWorkflowImpl.class,
        ConversationWorkflowImpl.class,
        RejudgeWorkflowImpl.class);
  }

  @Test
  void theReplaySetCoversEveryPath() throws IOException {
    assertThat(recordedHistories().toList())
        .contains(
            "2026-12-06/conversation-llm-persona.json",
            "2026-12-06/conversation-failed.json",
            "2026-12-06/conversation-stopped-mid-turn.json",
            "2026-12-06/conversation-timed-out.json",
            "2026-12-06/conversation-tool-delay.json",
            "2026-12-06/conversation-continued-as-new.json",
            "2026-12-06/batch-completed.json",
            "2026-12-06/batch-stop-on-failure.json",
            "2026-12-06/batch-stopped.json",
            "2026-12-06/batch-cancelled-in-temporal.json",
            "2026-12-06/batch-continued-as-new.json",
            "2026-12-06/rejudge.json",
            "2026-12-06/conversation-counter-agent.json");
  }

  /**
   * A conversation that no longer records its run first: the histories of the real one must not
   * replay.
   */
  public static class IncompatibleConversation implements ConversationWorkflow {
    @Override
    public RunOutcome run(RunInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return new RunOutcome(
          input.sequence(), Verdict.SUCCESS, TerminationReason.MAX_TURNS, ErrorCategory.NONE);
    }
  }

  @Test
  void anIncompatibleChangeFailsToReplay() {
    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecutionFromResource(
                    "histories/conversation-max-turns-v3.json", IncompatibleConversation.class))
        .hasStackTraceContaining("NonDeterministicException");
  }

  /**
   * Not a test: records this code's history of one path into {@code histories/<release>/}, on
   * demand only; an existing recording stays as it is.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "conversation-llm-persona",
        "conversation-counter-agent",
        "conversation-failed",
        "conversation-timed-out",
        "conversation-tool-delay",
        "conversation-continued-as-new",
        "conversation-stopped-mid-turn",
        "batch-completed",
        "batch-stop-on-failure",
        "batch-stopped",
        "batch-cancelled-in-temporal",
        "batch-continued-as-new"
      })
  @EnabledIfSystemProperty(named = "recordReplaySet", matches = "[\\w.-]+")
  void recordReplaySet(String path) throws Exception {
    Path file = HISTORIES.resolve(System.getProperty("recordReplaySet")).resolve(path + ".json");
    if (Files.exists(file)) {
      return; // the set only grows
    }
    String workflowId =
        switch (path) {
          case "conversation-llm-persona" -> conversation(runSettings(2));
          case "conversation-counter-agent" -> {
            RunSettings base = runSettings(2);
            yield conversation(
                new RunSettings(
                    false,
                    2,
                    base.maxEvents(),
                    0,
                    base.session(),
                    base.retry(),
                    null,
                    null,
                    "counter-agent-1",
                    null));
          }
          case "conversation-failed" -> {
            fakes.judge(conclusion -> Verdict.FAILED);
            yield conversation(runSettings(2));
          }
          case "conversation-timed-out" -> {
            fakes.agent(
                request ->
                    request.exchange() == 1 ? FakeActivities.speak(request) : fakes.hang(request));
            yield conversation(settings(10, 2));
          }
          case "conversation-tool-delay" -> {
            fakes.agent(
                request ->
                    request.sequence() == 1
                        ? new TurnResult(request.sequence() + 1, false, 500)
                        : FakeActivities.speak(request));
            yield conversation(runSettings(2));
          }
          case "conversation-continued-as-new" ->
              finish(
                  SimulationTesting.run(runSettings(3)).withState(new ConversationState(4, 2, 0)));
          case "conversation-stopped-mid-turn" -> {
            fakes.agent(fakes::hang);
            RunInput input = SimulationTesting.run(runSettings(3));
            ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
            WorkflowClient.start(run::run, input);
            FakeActivities.waitUntil("the agent to be asked", () -> fakes.hanging() == 1);
            WorkflowStub.fromTyped(run).cancel();
            awaitEnd(WorkflowStub.fromTyped(run));
            yield idOf(run);
          }
          case "batch-completed" -> batchResult(batch(3, 2, false, 0, runSettings(1)));
          case "batch-stop-on-failure" -> {
            fakes.judge(
                conclusion -> conclusion.run().sequence() == 1 ? Verdict.FAILED : Verdict.SUCCESS);
            yield batchResult(batch(6, 1, true, 0, runSettings(1)));
          }
          case "batch-stopped" -> stoppedBatch(false);
          case "batch-cancelled-in-temporal" -> stoppedBatch(true);
          case "batch-continued-as-new" ->
              batchResult(
                  batch(5, 2, false, 0, runSettings(1))
                      .withState(new BatchState(3, List.of(), new RunCounts(3, 0, 0, 0), 0)));
          default -> throw new IllegalArgumentException(path);
        };
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true), StandardCharsets.UTF_8);
    System.out.println(
        "Recorded " + history.getEvents().size() + " events to " + file.toAbsolutePath());
  }

  /** Waits for a workflow to end, however it ends. */
  private static void awaitEnd(WorkflowStub workflow) throws Exception {
    try {
      workflow.getResult(60, TimeUnit.SECONDS, Object.class);
    } catch (WorkflowFailedException cancelled) {
      // ended as cancelled
    }
  }

  private static RunSettings settings(int maxTurns, long timeoutSeconds) {
    RunSettings base = runSettings(maxTurns);
    return new RunSettings(false, maxTurns, 100, timeoutSeconds, base.session(), base.retry());
  }

  private String conversation(RunSettings settings) throws Exception {
    return finish(SimulationTesting.run(settings));
  }

  private String finish(RunInput input) throws Exception {
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    WorkflowStub.fromTyped(run).getResult(60, TimeUnit.SECONDS, RunOutcome.class);
    return idOf(run);
  }

  private String batchResult(BatchInput input) throws Exception {
    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    WorkflowStub.fromTyped(batch).getResult(60, TimeUnit.SECONDS, BatchStatus.class);
    return BatchWorkflow.workflowId(input.batchId());
  }

  private String stoppedBatch(boolean inTemporal) throws Exception {
    fakes.agent(fakes::hang);
    BatchInput input = batch(5, 2, false, 0, runSettings(1));
    BatchWorkflow batch = SimulationTesting.startBatch(client, taskQueue, input);
    FakeActivities.waitUntil("two runs in flight", () -> fakes.hanging() == 2);
    if (inTemporal) {
      WorkflowStub.fromTyped(batch).cancel();
    } else {
      batch.cancel("user");
    }
    awaitEnd(WorkflowStub.fromTyped(batch));
    return BatchWorkflow.workflowId(input.batchId());
  }

  private static String idOf(ConversationWorkflow run) {
    return WorkflowStub.fromTyped(run).getExecution().getWorkflowId();
  }
}
