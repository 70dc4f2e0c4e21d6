package dev.agentsim.store.llm;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * LLM calls, for token and cost reports. A retried activity records its calls again: each was made,
 * and paid for.
 */
@Repository
public class LlmCallRepository {

  /** Sums of a group of calls; the cost stays null when no call in it had a price. */
  private static final String SUMS =
      """
      coalesce(sum(prompt_tokens), 0) as prompt_tokens, coalesce(sum(completion_tokens), 0) as completion_tokens,
      count(*) as calls, sum(cost) as cost""";

  private final JdbcClient jdbc;

  public LlmCallRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(LlmCall call) {
    jdbc.sql(
            """
            insert into llm_calls (run_id, role, model_id, prompt_tokens, completion_tokens, latency_ms, cost, created_at)
            values (:run, :role, :model, :prompt, :completion, :latency, :cost, :createdAt)""")
        .param("run", call.runId())
        .param("role", call.role().name())
        .param("model", call.modelId())
        .param("prompt", call.promptTokens())
        .param("completion", call.completionTokens())
        .param("latency", call.latencyMs())
        .param("cost", call.cost())
        .param("createdAt", Timestamp.from(call.createdAt()))
        .update();
  }

  /** Each run's usage; a run that made no call has none. */
  public Map<UUID, Usage> usageOfRuns(Collection<UUID> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, Map<LlmRole, Usage.Tokens>> byRun = new HashMap<>();
    jdbc.sql(
            "select run_id, role, "
                + SUMS
                + " from llm_calls where run_id in (:ids) group by run_id, role")
        .param("ids", runIds)
        .query(
            rs -> {
              byRun
                  .computeIfAbsent(
                      rs.getObject("run_id", UUID.class), id -> new EnumMap<>(LlmRole.class))
                  .put(LlmRole.valueOf(rs.getString("role")), tokens(rs));
            });
    Map<UUID, Usage> usage = new HashMap<>();
    byRun.forEach((run, roles) -> usage.put(run, new Usage(roles)));
    return usage;
  }

  /** The usage of all runs of a batch. */
  public Usage usageOfBatch(UUID batchId) {
    Map<LlmRole, Usage.Tokens> roles = new EnumMap<>(LlmRole.class);
    jdbc.sql(
            "select role, "
                + SUMS
                + " from llm_calls where run_id in (select id from runs where batch_id = :batch) group by role")
        .param("batch", batchId)
        .query(
            rs -> {
              roles.put(LlmRole.valueOf(rs.getString("role")), tokens(rs));
            });
    return new Usage(roles);
  }

  private static Usage.Tokens tokens(ResultSet rs) throws SQLException {
    return new Usage.Tokens(
        rs.getLong("prompt_tokens"),
        rs.getLong("completion_tokens"),
        rs.getLong("calls"),
        rs.getBigDecimal("cost"));
  }
}
