package dev.agentsim.store.llm;

import java.sql.Timestamp;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * LLM calls, for token and cost reports. A retried activity records its calls again: each was
 * made, and paid for.
 */
@Repository
public class LlmCallRepository {

  private final JdbcClient jdbc;

  public LlmCallRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(LlmCall call) {
    jdbc.sql("""
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
}
