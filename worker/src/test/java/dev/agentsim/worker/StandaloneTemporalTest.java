package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.sweep.SweepWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service against a Temporal server of its own, here the standalone test server as a fresh
 * cluster would be: it comes up after the service, and nobody has registered the search attributes
 * batches carry.
 */
@ExtendWith(OutputCaptureExtension.class)
class StandaloneTemporalTest extends EmbeddedAppTest {

  private static final int PORT = freePort();

  /** The server comes up well after the service: its workers must wait for it, not give up. */
  private static final CompletableFuture<TestServer.PortBoundTestServer> TEMPORAL =
      CompletableFuture.supplyAsync(
          () -> TestServer.createPortBoundServer(PORT, true),
          CompletableFuture.delayedExecutor(12, TimeUnit.SECONDS));

  @DynamicPropertySource
  static void temporal(DynamicPropertyRegistry properties) {
    properties.add("spring.temporal.connection.target", () -> "127.0.0.1:" + PORT);
    // As the service decides when it finds a target at start; this source comes after that
    // decision.
    properties.add("spring.temporal.test-server.enabled", () -> "false");
    properties.add("spring.temporal.start-workers", () -> "false");
    properties.add("simulator.worker.start-when-reachable", () -> "true");
    // Not embedded mode any more, so loopback, where WireMock plays the agent, must be allowed.
    properties.add("simulator.outbound.allow", () -> "127.0.0.1,::1");
  }

  @Autowired WorkflowClient temporal;

  @AfterAll
  static void stopTemporal() {
    TEMPORAL.join().close();
  }

  @Test
  void workersWaitForTheServerRegisterTheSearchAttributesAndRunABatch(CapturedOutput output) {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario =
        createScenario(
            Map.of(
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed")))));
    TEMPORAL.join();
    SearchAttributesCheck.assertRegistered("127.0.0.1:" + PORT, output::getAll);

    Http.Response scheduled = schedule(scenario, scheduleBody(agent, model, 2, Map.of()));

    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    Map<String, Object> batch =
        awaitBatch(scenario, (String) scheduled.body().get("id"), "completed");
    assertThat(batch).containsEntry("completedRuns", 2);
    assertThat(
            temporal
                .fetchHistory(SweepWorkflow.ID)
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getCronSchedule())
        .as("the sweep, as a cron workflow: the test server has no schedules")
        .isEqualTo("*/5 * * * *");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
