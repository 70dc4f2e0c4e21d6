package dev.agentsim.store.batch;

import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A batch as stored, with its runs tallied.
 *
 * @param runConfig the schedule request's run configuration, as the client sent it
 * @param evaluation the latest evaluation of its runs: 1, and one more for each rejudge
 * @param rejudging a rejudge is under way
 * @param labels free key/values the client gave the batch, e.g. a git commit; empty for none
 * @param stopDetail why the batch was ended for its workflow, which Temporal says is gone or ended
 *     without recording the batch's end; null for a batch its workflow ended
 * @param paused no new run starts until the batch is resumed
 */
public record Batch(
    UUID id,
    String projectId,
    UUID scenarioId,
    UUID agentId,
    UUID modelId,
    String name,
    int runs,
    BatchStatus status,
    StopReason stopReason,
    String endPointType,
    Map<String, Object> runConfig,
    String createdBy,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Tally tally,
    int evaluation,
    boolean rejudging,
    String stopDetail,
    Map<String, String> labels,
    boolean paused) {

  /** Runs by outcome; a run is finished once judged or stopped. */
  public record Tally(int succeeded, int failed, int errored, int stopped, int running) {

    public int finished() {
      return succeeded + failed + errored + stopped;
    }
  }
}
