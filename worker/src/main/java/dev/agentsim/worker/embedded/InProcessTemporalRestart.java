package dev.agentsim.worker.embedded;

import dev.agentsim.api.batch.Batches;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.batch.BatchRepository.RecordedRun;
import dev.agentsim.store.batch.BatchRepository.Unfinished;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchState;
import dev.agentsim.workflows.batch.RunCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The in-process Temporal server keeps workflows in memory, so a restart loses every batch in
 * flight while a kept embedded database still says they run. Each is started again where its runs
 * left off: the runs it finished are counted, and those it had in flight start again and go through
 * their stored turns without asking any party again (each turn is stored once), then carry on. A
 * batch that cannot go on (scheduled before its workflow's input was kept, or one that had already
 * failed a run with stop on failure) is failed, so none waits forever.
 */
@Component
@ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "true")
public class InProcessTemporalRestart {

  private static final Logger log = LoggerFactory.getLogger(InProcessTemporalRestart.class);

  private final BatchRepository batches;
  private final Batches service;

  public InProcessTemporalRestart(BatchRepository batches, Batches service) {
    this.batches = batches;
    this.service = service;
  }

  @EventListener(ContextRefreshedEvent.class)
  public void resumeBatchesOfThePreviousProcess() {
    int rejudges = batches.failUnfinishedRejudges();
    if (rejudges > 0) {
      log.warn(
          "{} rejudges were under way when the in-process Temporal server last stopped: marked failed; "
              + "rejudge those batches again",
          rejudges);
    }
    for (Unfinished batch : batches.unfinished()) {
      BatchInput input = batch.workflowInput();
      if (input == null) {
        batches.failLost(batch.id(), StopReason.ERROR);
        log.warn(
            "Batch {} was in flight when the in-process Temporal server last stopped and cannot be resumed "
                + "(scheduled by an older version): marked failed",
            batch.id());
        continue;
      }
      BatchState state = stateOf(batch, input);
      if (input.stopOnFailure()
          && state != null
          && state.counts().failed() + state.counts().errored() > 0) {
        batches.failLost(batch.id(), StopReason.STOP_ON_FAILURE);
        log.warn(
            "Batch {} had failed a run when the in-process Temporal server last stopped: marked failed",
            batch.id());
        continue;
      }
      try {
        if (state != null) {
          batches.markRunning(batch.id());
        }
        service.resume(batch.name(), input.withState(state));
        log.info(
            "Batch {} resumed after a restart: {} runs to carry on, {} finished before",
            batch.id(),
            state == null ? 0 : state.restart().size(),
            state == null ? 0 : state.counts().finished());
      } catch (RuntimeException e) {
        batches.failLost(batch.id(), StopReason.ERROR);
        log.warn("Batch {} could not be resumed after a restart: marked failed", batch.id(), e);
      }
    }
  }

  /**
   * Where a batch's runs left off: those finished counted, those in flight (recorded as running, or
   * started and not yet recorded) to be started again. Null for a batch whose workflow never
   * started, which starts afresh.
   */
  static BatchState stateOf(Unfinished batch, BatchInput input) {
    if (batch.status() == BatchStatus.PENDING && batch.runs().isEmpty()) {
      return null;
    }
    Map<Integer, RecordedRun> bySequence = new HashMap<>();
    int next = 0;
    for (RecordedRun run : batch.runs()) {
      bySequence.put(run.sequence(), run);
      next = Math.max(next, run.sequence() + 1);
    }
    RunCounts counts = RunCounts.ZERO;
    List<Integer> inFlight = new ArrayList<>();
    for (int sequence = 0; sequence < next; sequence++) {
      RecordedRun run = bySequence.get(sequence);
      if (run == null || run.status() == RunStatus.RUNNING) {
        inFlight.add(sequence);
      } else {
        counts = counts.plus(run.outcome());
      }
    }
    long deadline = 0;
    if (input.timeoutSeconds() > 0) {
      Instant started = batch.startedAt() == null ? Instant.now() : batch.startedAt();
      deadline = started.toEpochMilli() + input.timeoutSeconds() * 1000;
    }
    return new BatchState(next, inFlight, counts, deadline, inFlight);
  }
}
