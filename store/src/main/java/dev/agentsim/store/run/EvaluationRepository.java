package dev.agentsim.store.run;

import dev.agentsim.store.Rows;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.Verdict;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's evaluations and the model judgements they are made of. Every write is idempotent, because
 * activities that write are retried.
 */
@Repository
public class EvaluationRepository {

  private static final TypeReference<List<CriterionResult>> RESULTS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public EvaluationRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Records evaluation {@code number} of a completed run and makes it the run's latest; its
   * transcript and termination reason stay. Recording the same evaluation twice changes nothing.
   * The run's row takes the evaluation in the same statement, so a run never reads an evaluation
   * other than its latest.
   */
  public void reevaluate(UUID runId, int number, Evaluation evaluation) {
    jdbc.sql(
            """
            with saved as (
              insert into evaluations (run_id, number, verdict, error_category, error_message, technical_details,
                                       results, sentiment, summary, created_at)
              values (:id, :number, :verdict, :category, :message, :details, :results::jsonb, :sentiment, :summary, :now)
              on conflict (run_id, number) do nothing
              returning run_id)
            update runs set verdict = :verdict, error_category = :category, error_message = :message,
                   technical_details = :details, results = :results::jsonb, sentiment = :sentiment,
                   summary = :summary, evaluation = :number
            where id in (select run_id from saved) and coalesce(evaluation, 0) < :number""")
        .param("id", runId)
        .param("number", number)
        .params(params(evaluation, json))
        .update();
  }

  /** An evaluation's columns as named parameters, for the statements that store one. */
  static Map<String, Object> params(Evaluation evaluation, JsonMapper json) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("verdict", evaluation.verdict().name());
    params.put("category", evaluation.category().name());
    params.put("message", evaluation.errorMessage());
    params.put("details", evaluation.technicalDetails());
    params.put("results", json.writeValueAsString(evaluation.results()));
    params.put("sentiment", evaluation.sentiment());
    params.put("summary", evaluation.summary());
    params.put("now", Timestamp.from(Instant.now()));
    return params;
  }

  /**
   * A model judgement of evaluation {@code number} of a run, made once: the first stored is kept
   * and returned, so an evaluation retried after a partial failure asks the model only for the
   * rest.
   *
   * @param item what was judged, e.g. {@code criterion:2} or {@code summary}
   */
  public <T> T judgement(UUID runId, int number, String item, Class<T> type, Supplier<T> judge) {
    Optional<String> stored =
        jdbc.sql(
                """
            select result from judgements where run_id = :run and evaluation = :number and item = :item""")
            .param("run", runId)
            .param("number", number)
            .param("item", item)
            .query(String.class)
            .optional();
    if (stored.isPresent()) {
      return json.readValue(stored.get(), type);
    }
    T result = judge.get();
    jdbc.sql(
            """
            insert into judgements (run_id, evaluation, item, result, created_at)
            values (:run, :number, :item, :result::jsonb, :now)
            on conflict do nothing""")
        .param("run", runId)
        .param("number", number)
        .param("item", item)
        .param("result", json.writeValueAsString(result))
        .param("now", Timestamp.from(Instant.now()))
        .update();
    return result;
  }

  /**
   * The items of evaluation {@code number} of a run judged and kept already, see {@link
   * #judgement}.
   */
  public List<String> judgedItems(UUID runId, int number) {
    return jdbc.sql("select item from judgements where run_id = :run and evaluation = :number")
        .param("run", runId)
        .param("number", number)
        .query(String.class)
        .list();
  }

  /** A run's evaluations, oldest first. */
  public List<Evaluation> evaluations(UUID runId) {
    return jdbc.sql("select * from evaluations where run_id = :run order by number")
        .param("run", runId)
        .query(
            (rs, n) ->
                new Evaluation(
                    Verdict.valueOf(rs.getString("verdict")),
                    Rows.enumValue(rs, "error_category", ErrorCategory.class),
                    rs.getString("error_message"),
                    rs.getString("technical_details"),
                    json.readValue(rs.getString("results"), RESULTS),
                    rs.getString("sentiment"),
                    rs.getString("summary")))
        .list();
  }
}
