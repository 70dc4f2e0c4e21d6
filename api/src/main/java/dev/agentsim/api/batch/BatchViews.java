package dev.agentsim.api.batch;

import dev.agentsim.api.statistics.Statistics;
import dev.agentsim.store.batch.Batch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A batch as the native API shows it, whichever dialect started it. */
@Component
public class BatchViews {

  private final Batches batches;

  BatchViews(Batches batches) {
    this.batches = batches;
  }

  public BatchResponse of(Batch batch) {
    Batch.Tally tally = batch.tally();
    Batches.Totals totals = batches.totals(batch);
    Map<String, Integer> errors = new LinkedHashMap<>();
    totals.errorsByCategory().forEach((category, runs) -> errors.put(category.name(), runs));
    return new BatchResponse(
        batch.id(),
        batch.projectId(),
        batch.scenarioId(),
        batch.agentId(),
        batch.modelId(),
        batch.name(),
        batch.status().wire(),
        batch.stopReason() == null ? null : batch.stopReason().name(),
        batch.stopDetail(),
        batch.runs(),
        tally.succeeded(),
        tally.failed(),
        tally.errored(),
        tally.stopped(),
        tally.running(),
        errors,
        UsageView.of(totals.usage()),
        Statistics.of(tally.succeeded(), tally.failed(), tally.errored()),
        batch.evaluation(),
        batch.rejudging(),
        batch.endPointType(),
        batch.labels(),
        batch.paused(),
        text(batch.createdAt()),
        text(batch.startedAt()),
        text(batch.completedAt()));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
