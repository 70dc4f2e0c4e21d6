package dev.agentsim.worker.health;

import io.temporal.worker.WorkerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Down until this process's Temporal workers poll: against a Temporal server of its own they start
 * only once that server answers (see ExternalTemporalStart), and until then the process does no
 * work however healthy it is otherwise.
 */
record TemporalWorkersHealth(WorkerFactory workers, String target, String namespace)
    implements HealthIndicator {

  @Override
  public Health health() {
    Health.Builder health =
        workers.isStarted() && !workers.isShutdown() ? Health.up() : Health.down();
    return health.withDetail("target", target).withDetail("namespace", namespace).build();
  }
}
