package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** Whether the service registered its search attributes in a standalone test server. */
final class SearchAttributesCheck {

  static final String REGISTERED = "Registered the search attributes";

  private SearchAttributesCheck() {}

  /**
   * Waits for the service to say it registered them, then checks once that the server knows each:
   * the test server lists none, and adding one it knows is refused. Once, since adding one it did
   * not know would register it.
   */
  static void assertRegistered(String target, Supplier<String> log) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> log.get().contains(REGISTERED));
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target)
                .validateAndBuildWithDefaults());
    try {
      for (String name :
          List.of(
              "SimulationProject", "SimulationBatch", "SimulationScenario", "SimulationStatus")) {
        assertThatThrownBy(
                () ->
                    operator
                        .blockingStub()
                        .addSearchAttributes(
                            AddSearchAttributesRequest.newBuilder()
                                .setNamespace("default")
                                .putSearchAttributes(
                                    name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                                .build()))
            .as("%s is registered already", name)
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
      }
    } finally {
      operator.shutdownNow();
    }
  }
}
