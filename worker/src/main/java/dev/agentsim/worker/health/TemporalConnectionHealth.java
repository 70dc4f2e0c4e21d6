package dev.agentsim.worker.health;

import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Down while the Temporal server does not answer: an api-only process then takes no batch start
 * (each would answer 503), so it is not ready, though alive.
 */
record TemporalConnectionHealth(WorkflowServiceStubs service, String target)
    implements HealthIndicator {

  private static final long DEADLINE_SECONDS = 2;

  @Override
  public Health health() {
    try {
      service
          .blockingStub()
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return Health.up().withDetail("target", target).build();
    } catch (StatusRuntimeException e) {
      return Health.down()
          .withDetail("target", target)
          .withDetail("status", e.getStatus().getCode().name())
          .build();
    }
  }
}
