package dev.agentsim.activities.retention;

import dev.agentsim.store.retention.RetentionRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.retention.RetentionActivities;
import dev.agentsim.workflows.retention.RetentionReport;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The daily cleanup: a run's turns, LLM calls, judgements and evaluations, then the run, then the
 * batches left without runs, each in chunks of {@code simulator.retention.chunk} rows, one
 * transaction each. A heartbeat after each chunk shows Temporal the cleanup is alive.
 */
@Component("retentionActivities")
public class RetentionActivitiesImpl implements RetentionActivities {

  private static final Logger log = LoggerFactory.getLogger(RetentionActivitiesImpl.class);

  private final RetentionRepository retention;
  private final int defaultDays;
  private final int chunk;

  public RetentionActivitiesImpl(RetentionRepository retention, SimulatorSettings settings) {
    this.retention = retention;
    this.defaultDays = settings.retention().days();
    this.chunk = settings.retention().chunk();
  }

  @Override
  public RetentionReport deleteExpired() {
    ActivityExecutionContext context = Activity.getExecutionContext();
    // One instant for the whole cleanup, so that every table is cut at the same age.
    Instant now = Instant.now();
    Map<String, Integer> rows = new LinkedHashMap<>();
    for (String table : RetentionRepository.RUN_TABLES) {
      rows.put(
          table,
          inChunks(
              context, rows, () -> retention.deleteOfExpiredRuns(table, now, defaultDays, chunk)));
    }
    rows.put(
        "runs",
        inChunks(context, rows, () -> retention.deleteExpiredRuns(now, defaultDays, chunk)));
    rows.put(
        "batches",
        inChunks(
            context, rows, () -> retention.deleteEmptyExpiredBatches(now, defaultDays, chunk)));
    log.info("Retention cleanup deleted {}", rows);
    return new RetentionReport(rows);
  }

  private int inChunks(
      ActivityExecutionContext context, Map<String, Integer> sofar, IntSupplier deleteChunk) {
    int total = 0;
    int deleted;
    do {
      deleted = deleteChunk.getAsInt();
      total += deleted;
      context.heartbeat(Map.copyOf(sofar));
    } while (deleted == chunk);
    return total;
  }
}
