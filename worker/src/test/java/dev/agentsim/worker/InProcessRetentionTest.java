package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.batch.BatchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The in-process Temporal server forgets closed workflows, so a long-lived process stays bounded.
 */
@TestPropertySource(properties = "simulator.embedded-temporal.keep-closed=1s")
class InProcessRetentionTest extends EmbeddedAppTest {

  @Autowired WorkflowClient temporal;

  @Test
  @SuppressWarnings("unchecked")
  void aFinishedBatchsWorkflowsAreForgottenAndItsResultsStay() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario =
        createScenario(
            Map.of(
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed")))));
    String batch =
        (String)
            schedule(scenario, scheduleBody(agent, model, 3, Map.of("concurrency", 3)))
                .body()
                .get("id");
    awaitBatch(scenario, batch, "completed");
    String aRun = BatchWorkflow.runWorkflowId(batch, 1);

    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThatThrownBy(() -> temporal.newUntypedWorkflowStub(aRun).describe())
                  .isInstanceOf(WorkflowNotFoundException.class);
              assertThatThrownBy(
                      () ->
                          temporal
                              .newUntypedWorkflowStub(BatchWorkflow.workflowId(batch))
                              .describe())
                  .isInstanceOf(WorkflowNotFoundException.class);
            });
    Http.Response runs =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT);
    assertThat(runs.list("data"))
        .hasSize(3)
        .allSatisfy(run -> assertThat((List<?>) run.get("turns")).isNotEmpty());
  }
}
