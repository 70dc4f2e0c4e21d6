package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service against a Temporal server of its own, here the standalone test server as a fresh
 * cluster would be: nobody has registered the search attributes batches carry.
 */
class StandaloneTemporalTest extends EmbeddedAppTest {

  private static final int PORT = freePort();
  private static final TestServer.PortBoundTestServer TEMPORAL = TestServer.createPortBoundServer(PORT, true);

  @DynamicPropertySource
  static void temporal(DynamicPropertyRegistry properties) {
    properties.add("spring.temporal.connection.target", () -> "127.0.0.1:" + PORT);
    // As the service decides when it finds a target at start; this source comes after that decision.
    properties.add("spring.temporal.test-server.enabled", () -> "false");
  }

  @AfterAll
  static void stopTemporal() {
    TEMPORAL.close();
  }

  @Test
  void aFreshServerGetsTheSearchAttributesAndRunsABatch() {
    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of("successCriteria",
        List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed")))));

    Http.Response scheduled = schedule(scenario, scheduleBody(agent, model, 2, Map.of()));

    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    Map<String, Object> batch = awaitBatch(scenario, (String) scheduled.body().get("id"), "completed");
    assertThat(batch).containsEntry("completedRuns", 2);
  }

  @Test
  void theServerKnowsTheSearchAttributesOnceTheServiceHasStarted() {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + PORT).validateAndBuildWithDefaults());
    try {
      for (String name : List.of("SimulationProject", "SimulationBatch", "SimulationScenario", "SimulationStatus")) {
        assertThatThrownBy(() -> operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
            .setNamespace("default").putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD).build()))
            .as("%s is registered already", name)
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
      }
    } finally {
      operator.shutdownNow();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
