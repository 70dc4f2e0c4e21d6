package dev.agentsim.api.feather;

import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.Run;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchWorkflow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A batch of one run as Feather shows a simulation run. */
final class FeatherViews {

  private FeatherViews() {}

  /** Feather's session: the batch's one run. */
  static UUID sessionId(Batch batch) {
    return UUID.fromString(BatchWorkflow.runId(batch.id().toString(), 0));
  }

  @SuppressWarnings("unchecked")
  static FeatherRunView of(Batch batch, Run run) {
    Map<String, Object> dispatched =
        (Map<String, Object>) batch.runConfig().getOrDefault("feather", Map.of());
    Map<String, Object> snapshot =
        (Map<String, Object>) batch.runConfig().getOrDefault("inputs_snapshot", Map.of());
    UUID sessionId = sessionId(batch);
    return new FeatherRunView(
        batch.id().toString(),
        sessionId.toString(),
        organizationId(batch.projectId()).toString(),
        batch.agentId().toString(),
        (String) dispatched.get("agent_revision_id"),
        (String) dispatched.get("persona_id"),
        batch.scenarioId().toString(),
        (String) dispatched.get("channel"),
        (Map<String, Object>) dispatched.get("tool_overrides"),
        status(batch, run),
        timestamp(batch.startedAt()),
        timestamp(batch.completedAt()),
        errorText(batch, run),
        snapshot,
        timestamp(batch.createdAt()),
        null,
        null,
        batch.modelId().toString(),
        (Integer) dispatched.get("agent_revision"),
        run == null || run.verdict() == null ? null : run.verdict().name(),
        run == null || run.terminationReason() == null ? null : run.terminationReason().name(),
        run == null
            ? List.of()
            : run.results().stream()
                .map(r -> new FeatherRunView.Result(r.type(), r.params(), r.passed(), r.reason()))
                .toList(),
        run == null
            ? List.of()
            : run.turns().stream()
                .map(
                    t ->
                        new FeatherRunView.Message(
                            t.sequence() + 1,
                            t.role(),
                            t.text(),
                            t.latencyMs(),
                            timestamp(t.createdAt())))
                .toList());
  }

  /**
   * Feather's run lifecycle. A run that could not be carried through (the agent or the model kept
   * failing: verdict ERROR) has failed; one judged SUCCESS or FAILED has completed, its verdict
   * says how.
   */
  private static String status(Batch batch, Run run) {
    return switch (batch.status()) {
      case PENDING -> "pending";
      case RUNNING -> "running";
      case STOPPED -> "cancelled";
      case FAILED -> "failed";
      case COMPLETED -> run != null && run.verdict() == Verdict.ERROR ? "failed" : "completed";
    };
  }

  private static String errorText(Batch batch, Run run) {
    if (run != null && run.verdict() == Verdict.ERROR && run.errorMessage() != null) {
      return run.errorMessage();
    }
    if (batch.status() == BatchStatus.FAILED) {
      return "The run did not finish"
          + (batch.stopReason() == null ? "" : ": " + batch.stopReason().name());
    }
    return null;
  }

  /**
   * Feather's organization ids are UUIDs, project ids here are any text: a project whose id is a
   * UUID is that organization, any other gets a stable name-based UUID.
   */
  static UUID organizationId(String projectId) {
    try {
      if (projectId.length() == 36) {
        return UUID.fromString(projectId);
      }
    } catch (IllegalArgumentException e) {
      // not a UUID: derived below
    }
    return UUID.nameUUIDFromBytes(("project:" + projectId).getBytes(StandardCharsets.UTF_8));
  }

  private static String timestamp(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
