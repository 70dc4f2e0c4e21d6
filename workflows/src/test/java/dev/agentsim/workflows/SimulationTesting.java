package dev.agentsim.workflows;

import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.batch.BatchWorkflowImpl;
import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import dev.agentsim.workflows.run.ConversationWorkflow;
import dev.agentsim.workflows.run.ConversationWorkflowImpl;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowExtension;
import java.util.Map;
import java.util.UUID;

/** The time-skipping test environment and the inputs the workflow tests share. */
public final class SimulationTesting {

  /** Two quick attempts per remote call, so failure paths finish in milliseconds. */
  public static final RetrySettings FAST_RETRY = new RetrySettings(2, 10, 5);

  public static final String PROJECT = "project-1";
  public static final String SCENARIO = "scenario-1";

  private SimulationTesting() {}

  /**
   * A time-skipping test environment running both workflows, with the custom search attributes
   * registered. It is not started: a test registers its {@link FakeActivities} on the injected
   * {@code Worker} and then starts the injected {@code TestWorkflowEnvironment}.
   */
  public static TestWorkflowExtension extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(
            BatchWorkflowImpl.class, ConversationWorkflowImpl.class)
        .registerSearchAttribute(
            SimulationSearchAttributes.PROJECT.getName(),
            IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            SimulationSearchAttributes.BATCH.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            SimulationSearchAttributes.SCENARIO.getName(),
            IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            SimulationSearchAttributes.STATUS.getName(),
            IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .setDoNotStart(true)
        .build();
  }

  /** Runs of at most {@code maxTurns} exchanges, no event limit to speak of, no run timeout. */
  public static RunSettings runSettings(int maxTurns) {
    return new RunSettings(
        false,
        maxTurns,
        1_000,
        0,
        new RunSettings.Session("user-1", "main", "en-US", Map.of("channel", "test")),
        FAST_RETRY);
  }

  public static BatchInput batch(
      int runs, int concurrency, boolean stopOnFailure, long timeoutSeconds, RunSettings settings) {
    return new BatchInput(
        UUID.randomUUID().toString(),
        PROJECT,
        SCENARIO,
        "agent-1",
        "model-1",
        runs,
        concurrency,
        stopOnFailure,
        timeoutSeconds,
        settings,
        0,
        null);
  }

  /** A run on its own, outside any batch: nothing to report to. */
  public static RunInput run(RunSettings settings) {
    return new RunInput(
        null,
        "batch-1",
        UUID.randomUUID().toString(),
        0,
        PROJECT,
        SCENARIO,
        "agent-1",
        "model-1",
        settings);
  }

  /** Starts a batch the way the API does, under its {@code batch-<batchId>} workflow id. */
  public static BatchWorkflow startBatch(
      WorkflowClient client, String taskQueue, BatchInput input) {
    BatchWorkflow batch =
        client.newWorkflowStub(
            BatchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BatchWorkflow.workflowId(input.batchId()))
                .setTaskQueue(taskQueue)
                .build());
    WorkflowClient.start(batch::run, input);
    return batch;
  }

  public static ConversationWorkflow newConversation(
      WorkflowClient client, String taskQueue, RunInput input) {
    return client.newWorkflowStub(
        ConversationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId("run-" + input.runId())
            .setTaskQueue(taskQueue)
            .build());
  }

  /** The typed stub's untyped view, for results with a time limit and the execution's run id. */
  public static WorkflowStub untyped(Object typedStub) {
    return WorkflowStub.fromTyped(typedStub);
  }
}
