package dev.agentsim.workflows.run;

import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.WorkflowTestSupport;
import dev.agentsim.workflows.TerminationReason;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Determinism of the turn loop: live histories replay, and so does the recorded one under
 * {@code src/test/resources/histories/}. Re-record after a deliberate, versioned change with
 * {@code ./mvnw -pl workflows test -Dtest=ConversationReplayTest -DrecordHistories=true}.
 */
@Timeout(60)
class ConversationReplayTest extends WorkflowTestSupport {

  /** The agent greets, three exchanges, MAX_TURNS, with a run timeout pending. */
  static final String RECORDED_CONVERSATION = "histories/conversation-max-turns.json";

  @Test
  void finishedConversationReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runConversation(), ConversationWorkflowImpl.class);
  }

  @Test
  void cancelledConversationReplays() throws Exception {
    fakes.agent(fakes::hang);
    RunInput input = SimulationTesting.run(runSettings(3));
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    FakeActivities.waitUntil("the agent to be asked", () -> fakes.hanging() == 1);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();
    assertThatThrownBy(() -> stub.getResult(RunOutcome.class)).isInstanceOf(WorkflowFailedException.class);
    assertThat(fakes.recordedStopped()).hasSize(1);

    WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(stub.getExecution().getWorkflowId()),
        ConversationWorkflowImpl.class);
  }

  @Test
  void recordedConversationHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(RECORDED_CONVERSATION, ConversationWorkflowImpl.class);
  }

  /** Not a test: re-records the stored history, on demand only. */
  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = "true")
  void recordHistory() throws Exception {
    WorkflowExecutionHistory history = runConversation();
    Path file = Path.of("src/test/resources").resolve(RECORDED_CONVERSATION);
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true), StandardCharsets.UTF_8);
    System.out.println("Recorded " + history.getEvents().size() + " events to " + file.toAbsolutePath());
  }

  private WorkflowExecutionHistory runConversation() throws Exception {
    RunSettings base = runSettings(3);
    RunSettings settings = new RunSettings(true, 3, 100, 3_600, base.session(), base.retry());
    RunInput input = SimulationTesting.run(settings);
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    RunOutcome outcome = WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, RunOutcome.class);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    return client.fetchHistory(WorkflowStub.fromTyped(run).getExecution().getWorkflowId());
  }
}
