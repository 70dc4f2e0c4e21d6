package dev.agentsim.activities.webhook;

import dev.agentsim.store.batch.Batch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a webhook's request: the event and the finished batch as the native API shows it.
 *
 * @param id the event's id, the same on every attempt: receivers drop what they have seen
 * @param type {@code batch.completed}, {@code batch.failed} or {@code batch.stopped}
 * @param createdAt when the batch was found finished; signed with the body, so a receiver can
 *     refuse old events replayed to it
 */
record BatchEvent(UUID id, String type, String createdAt, Summary batch) {

  /** The native batch view's fields, without the usage. */
  record Summary(
      UUID id,
      String projectId,
      UUID scenarioId,
      UUID agentId,
      UUID modelId,
      String name,
      String status,
      String stopReason,
      String stopDetail,
      int runs,
      int succeededRuns,
      int failedRuns,
      int erroredRuns,
      int stoppedRuns,
      int runningRuns,
      Map<String, Integer> errorsByCategory,
      Map<String, String> labels,
      String createdAt,
      String startedAt,
      String completedAt) {

    static Summary of(Batch batch, Map<String, Integer> errorsByCategory) {
      Batch.Tally tally = batch.tally();
      return new Summary(
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
          new LinkedHashMap<>(errorsByCategory),
          batch.labels(),
          text(batch.createdAt()),
          text(batch.startedAt()),
          text(batch.completedAt()));
    }

    private static String text(Instant instant) {
      return instant == null ? null : instant.toString();
    }
  }
}
