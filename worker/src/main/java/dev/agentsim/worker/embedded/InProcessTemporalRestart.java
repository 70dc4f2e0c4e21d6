package dev.agentsim.worker.embedded;

import dev.agentsim.store.batch.BatchRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The in-process Temporal server keeps workflows in memory, so a restart loses every batch in
 * flight while a kept embedded database still says they run. They are failed on start, so no
 * batch waits forever for a workflow that no longer exists.
 */
@Component
@ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "true")
public class InProcessTemporalRestart {

  private static final Logger log = LoggerFactory.getLogger(InProcessTemporalRestart.class);

  private final BatchRepository batches;

  public InProcessTemporalRestart(BatchRepository batches) {
    this.batches = batches;
  }

  @EventListener(ContextRefreshedEvent.class)
  public void failBatchesOfThePreviousProcess() {
    int failed = batches.failUnfinished();
    if (failed > 0) {
      log.warn("{} batches were in flight when the in-process Temporal server last stopped: marked failed", failed);
    }
  }
}
