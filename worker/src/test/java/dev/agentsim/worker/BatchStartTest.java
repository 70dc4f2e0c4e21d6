package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.api.batch.BatchScheduler;
import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.Unavailable;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Starting a batch's workflow when Temporal's answer to the start is lost. */
class BatchStartTest extends EmbeddedAppTest {

  @Autowired DefinitionRepository definitions;

  @Autowired BatchRepository batches;

  @Autowired WorkflowClient temporal;

  @Test
  void aStartWhoseAnswerIsLostStillRunsTheBatch() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    AtomicInteger lostAnswers = new AtomicInteger(1);
    BatchScheduler scheduler = scheduler(lostAnswers, new AtomicInteger());

    Batch batch =
        scheduler.schedule(
            new StartBatch(
                PROJECT,
                UUID.fromString(scenarioId),
                UUID.fromString(agentId),
                UUID.fromString(modelId),
                "answer lost",
                3,
                2,
                false,
                0,
                null,
                "api",
                null,
                Map.of(),
                "tester",
                null,
                null,
                null,
                null,
                Map.of(),
                null,
                null));

    assertThat(lostAnswers).as("the first start's answer was lost").hasValue(0);
    Map<String, Object> finished = awaitBatch(scenarioId, batch.id().toString(), "completed");
    assertThat(finished.get("completedRuns")).isEqualTo(3);
  }

  @Test
  void aStartTemporalNeverTookLeavesNothingBehindAndAsksToTryAgain() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    AtomicInteger refused = new AtomicInteger(100);
    BatchScheduler scheduler = scheduler(new AtomicInteger(), refused);
    int before = batches.count(PROJECT, "api");

    assertThatThrownBy(
            () ->
                scheduler.schedule(
                    new StartBatch(
                        PROJECT,
                        UUID.fromString(scenarioId),
                        UUID.fromString(agentId),
                        UUID.fromString(modelId),
                        "never taken",
                        3,
                        2,
                        false,
                        0,
                        null,
                        "api",
                        null,
                        Map.of(),
                        "tester",
                        null,
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null)))
        .isInstanceOf(Unavailable.class)
        .hasMessageContaining("Temporal did not start the batch");
    assertThat(refused.get()).as("the start was tried more than once").isLessThan(99);
    assertThat(batches.count(PROJECT, "api")).as("nothing half-created").isEqualTo(before);
  }

  /**
   * The application's scheduler, over a client that loses Temporal's answer to the next {@code
   * lostAnswers} starts and makes the next {@code refused} fail before reaching Temporal.
   */
  private BatchScheduler scheduler(AtomicInteger lostAnswers, AtomicInteger refused) {
    WorkflowClient losing =
        WorkflowClient.newInstance(
            temporal.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder(temporal.getOptions())
                .setInterceptors(
                    new WorkflowClientInterceptorBase() {
                      @Override
                      public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
                          WorkflowClientCallsInterceptor next) {
                        return new WorkflowClientCallsInterceptorBase(next) {
                          @Override
                          public WorkflowStartOutput start(WorkflowStartInput input) {
                            if (refused.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                              throw new WorkflowServiceException(
                                  WorkflowExecution.newBuilder()
                                      .setWorkflowId(input.getWorkflowId())
                                      .build(),
                                  input.getWorkflowType(),
                                  Status.UNAVAILABLE.asRuntimeException());
                            }
                            WorkflowStartOutput started = super.start(input);
                            if (lostAnswers.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                              throw new WorkflowServiceException(
                                  started.getWorkflowExecution(),
                                  input.getWorkflowType(),
                                  Status.DEADLINE_EXCEEDED.asRuntimeException());
                            }
                            return started;
                          }
                        };
                      }
                    })
                .build());
    return new BatchScheduler(
        definitions,
        batches,
        losing,
        SimulatorSettings.of(
            Map.of(
                "simulator.retry.max-attempts",
                "2",
                "simulator.retry.initial-interval-ms",
                "50",
                "simulator.retry.attempt-timeout-seconds",
                "10")));
  }
}
