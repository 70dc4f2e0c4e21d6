package dev.agentsim.worker.temporal;

import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the search attributes batches and runs carry on a Temporal server that does not know
 * them yet: a server without them refuses to start any batch. A server that allows no registration
 * (Temporal Cloud, missing permissions) gets a log line naming the attributes and the command that
 * registers them.
 */
final class SearchAttributeRegistration {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistration.class);

  static final List<String> NAMES =
      List.of(
          SimulationSearchAttributes.PROJECT.getName(),
          SimulationSearchAttributes.BATCH.getName(),
          SimulationSearchAttributes.SCENARIO.getName(),
          SimulationSearchAttributes.STATUS.getName());

  private SearchAttributeRegistration() {}

  /** Registers those of {@link #NAMES} the namespace lacks; returns the ones it registered. */
  static List<String> registerMissing(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    List<String> missing = NAMES;
    try {
      Map<String, IndexedValueType> known =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
      missing = NAMES.stream().filter(name -> !known.containsKey(name)).toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      // Temporal's test server cannot list them: add them all, one at a time, below.
    }
    for (String name : missing) {
      try {
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(namespace)
                    .putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                    .build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
    }
    return missing;
  }

  /** Says which attributes may be missing and how to register them, when the service may not. */
  static void explain(String namespace, RuntimeException failure) {
    Map<String, String> keywords = new LinkedHashMap<>();
    NAMES.forEach(name -> keywords.put(name, "Keyword"));
    log.error(
        "Temporal namespace {} may lack the search attributes {}, and they could not be registered ({}): "
            + "batches cannot start until they are. Register them with: temporal operator search-attribute create "
            + "--namespace {} {}",
        namespace,
        NAMES,
        failure.getMessage(),
        namespace,
        keywords.entrySet().stream()
            .map(entry -> "--name " + entry.getKey() + " --type " + entry.getValue())
            .collect(Collectors.joining(" ")));
  }
}
