package dev.agentsim.api.batch;

import dev.agentsim.api.error.FieldError;
import java.util.UUID;

/**
 * The body of {@code POST /v1/runs/{id}/fork}. Only these fields are read; any other is refused.
 *
 * @param fromSequence the message the fork starts at, as the run's transcript numbers it (1 for the
 *     first): a message of the simulated user's. Those before it are replayed; the user speaks anew
 *     from it
 * @param runs how many runs the fork batch has, each replaying the same messages; 1 by default
 */
public record ForkRequest(Integer fromSequence, Integer runs) {

  /**
   * @throws FieldError naming the first field at fault
   */
  ForkRun toCommand(String projectId, UUID runId) {
    if (fromSequence == null) {
      throw new FieldError("fromSequence", "REQUIRED", "fromSequence is required");
    }
    if (runs != null && (runs < 1 || runs > StartBatch.MAX_RUNS)) {
      throw new FieldError(
          "runs", "OUT_OF_RANGE", "runs must be between 1 and " + StartBatch.MAX_RUNS);
    }
    return new ForkRun(projectId, runId, fromSequence, runs == null ? 1 : runs);
  }
}
