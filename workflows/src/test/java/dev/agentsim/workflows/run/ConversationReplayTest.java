package dev.agentsim.workflows.run;

import static dev.agentsim.workflows.SimulationTesting.runSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.FakeActivities;
import dev.agentsim.workflows.SimulationTesting;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.WorkflowTestSupport;
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
 * Determinism of the turn loop: live histories replay (recorded ones: see ReplaySetTest). Record
 * one after a deliberate, versioned change with {@code ./mvnw -pl workflows test
 * -Dtest=ConversationReplayTest#recordHistory
 * -DrecordHistories=cancelled=histories/conversation-cancelled-v1.json}, keeping the older files.
 */
@Timeout(60)
class ConversationReplayTest extends WorkflowTestSupport {

  @Test
  void finishedConversationReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runConversation(), ConversationWorkflowImpl.class);
  }

  @Test
  void cancelledConversationReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        cancelledConversation(), ConversationWorkflowImpl.class);
  }

  /**
   * Not a test: records the current code's history under the name given by the system property
   * {@code recordHistories} ({@code max-turns=<file>}, {@code cancelled=<file>} or {@code
   * scripted=<file>}), on demand only. Earlier recordings stay, so the replay set covers every
   * version still in flight somewhere.
   */
  @Test
  @EnabledIfSystemProperty(named = "recordHistories", matches = ".+")
  void recordHistory() throws Exception {
    {
      String[] kindAndFile = System.getProperty("recordHistories").split("=");
      WorkflowExecutionHistory history =
          switch (kindAndFile[0]) {
            case "max-turns" -> runConversation();
            case "cancelled" -> cancelledConversation();
            case "scripted" -> scriptedConversation();
            default -> throw new IllegalArgumentException("unknown history kind " + kindAndFile[0]);
          };
      Path file = Path.of("src/test/resources").resolve(kindAndFile[1]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true), StandardCharsets.UTF_8);
      System.out.println(
          "Recorded " + history.getEvents().size() + " events to " + file.toAbsolutePath());
    }
  }

  private WorkflowExecutionHistory cancelledConversation() throws Exception {
    fakes.agent(fakes::hang);
    RunInput input = SimulationTesting.run(runSettings(3));
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    FakeActivities.waitUntil("the agent to be asked", () -> fakes.hanging() == 1);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();
    assertThatThrownBy(() -> stub.getResult(RunOutcome.class))
        .isInstanceOf(WorkflowFailedException.class);
    assertThat(fakes.recordedStopped()).hasSize(1);
    return client.fetchHistory(stub.getExecution().getWorkflowId());
  }

  /** Three exchanges of a scripted user, whose lines are said in the agent's turn's activity. */
  private WorkflowExecutionHistory scriptedConversation() throws Exception {
    RunSettings base = runSettings(3);
    return conversationToMaxTurns(
        new RunSettings(
            false, 3, 100, 3_600, base.session(), base.retry(), null, null, null, null, true));
  }

  private WorkflowExecutionHistory runConversation() throws Exception {
    RunSettings base = runSettings(3);
    return conversationToMaxTurns(
        new RunSettings(true, 3, 100, 3_600, base.session(), base.retry()));
  }

  private WorkflowExecutionHistory conversationToMaxTurns(RunSettings settings) throws Exception {
    RunInput input = SimulationTesting.run(settings);
    ConversationWorkflow run = SimulationTesting.newConversation(client, taskQueue, input);
    WorkflowClient.start(run::run, input);
    RunOutcome outcome =
        WorkflowStub.fromTyped(run).getResult(30, TimeUnit.SECONDS, RunOutcome.class);
    assertThat(outcome.reason()).isEqualTo(TerminationReason.MAX_TURNS);
    return client.fetchHistory(WorkflowStub.fromTyped(run).getExecution().getWorkflowId());
  }
}
