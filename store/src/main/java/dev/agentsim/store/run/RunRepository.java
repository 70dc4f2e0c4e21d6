package dev.agentsim.store.run;

import dev.agentsim.store.Rows;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Fork;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs: their settings, lifecycle and latest evaluation, read with their turns. Every write is
 * idempotent, because activities that write are retried.
 */
@Repository
public class RunRepository {

  private static final TypeReference<List<CriterionResult>> RESULTS = new TypeReference<>() {};
  private static final TypeReference<List<Criterion>> CRITERIA = new TypeReference<>() {};

  /**
   * A run's columns, and the fork it continues out of its settings, which are read whole only to
   * run it.
   */
  private static final String RUN = "r.*, r.settings -> 'fork' as fork";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final TransactionTemplate transaction;
  private final TurnRepository turns;

  public RunRepository(
      JdbcClient jdbc,
      JsonMapper json,
      PlatformTransactionManager transactions,
      TurnRepository turns) {
    this.jdbc = jdbc;
    this.json = json;
    this.transaction = new TransactionTemplate(transactions);
    this.turns = turns;
  }

  /**
   * Records a run as running with the criteria it will be judged by and its settings; idempotent.
   */
  public void start(
      UUID runId,
      UUID batchId,
      int sequence,
      List<Criterion> criteria,
      int maxTurns,
      RunSettings settings) {
    jdbc.sql(
            """
            insert into runs (id, batch_id, sequence, status, success_criteria, max_turns, settings, created_at)
            values (:id, :batch, :sequence, 'RUNNING', :criteria::jsonb, :maxTurns, :settings::jsonb, :now)
            on conflict (id) do nothing""")
        .param("id", runId)
        .param("batch", batchId)
        .param("sequence", sequence)
        .param("criteria", json.writeValueAsString(criteria))
        .param("maxTurns", maxTurns)
        .param("settings", settings == null ? null : json.writeValueAsString(settings))
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * The settings the run started with; empty for a run that is not recorded or started without
   * them.
   */
  public Optional<RunSettings> settings(UUID runId) {
    return jdbc.sql("select settings from runs where id = :id")
        .param("id", runId)
        .query((rs, n) -> Optional.ofNullable(rs.getString("settings")))
        .optional()
        .flatMap(settings -> settings)
        .map(settings -> json.readValue(settings, RunSettings.class));
  }

  /** Locks the run's row for the rest of the transaction; null for a run not recorded. */
  private String lockedStatus(UUID runId) {
    return jdbc.sql("select status from runs where id = :id for update")
        .param("id", runId)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  /**
   * Makes a run final in one transaction, after making its transcript end where the workflow knows
   * it ends: messages at or after {@code endSequence} were stored by an attempt the workflow no
   * longer waited for. The run's row is locked first, so a turn being stored is either in before
   * the fence or refused after it.
   *
   * @param endSequence null to keep every message (runs of workflows that do not say where it ends)
   * @return whether this call made the run final
   */
  private boolean finish(UUID runId, Integer endSequence, IntSupplier finalize) {
    return Boolean.TRUE.equals(
        transaction.execute(
            status -> {
              String runStatus = lockedStatus(runId);
              if (endSequence != null && "RUNNING".equals(runStatus)) {
                turns.dropFrom(runId, endSequence);
              }
              return finalize.getAsInt() > 0;
            }));
  }

  /**
   * Records a finished run's first evaluation, and the evaluation in the run's history; a run
   * already completed or stopped stays as it is. Both go in one statement, so a completed run
   * always has the evaluation it shows.
   *
   * @param endSequence where the transcript ends, see {@link #finish}
   * @return whether this call completed the run, false when it was final already
   */
  public boolean complete(
      UUID runId, TerminationReason reason, Evaluation evaluation, Integer endSequence) {
    return finish(
        runId,
        endSequence,
        () ->
            jdbc.sql(
                    """
            with completed as (
              update runs set status = 'COMPLETED', verdict = :verdict, termination_reason = :reason,
                     error_category = :category, error_message = :message, technical_details = :details,
                     results = :results::jsonb, sentiment = :sentiment, summary = :summary, evaluation = 1,
                     completed_at = coalesce(completed_at, :now)
              where id = :id and status = 'RUNNING'
              returning id)
            insert into evaluations (run_id, number, verdict, error_category, error_message, technical_details,
                                     results, sentiment, summary, created_at)
            select id, 1, :verdict::text, :category::text, :message::text, :details::text, :results::jsonb,
                   :sentiment::text, :summary::text, :now
            from completed""")
                .param("id", runId)
                .param("reason", reason == null ? null : reason.name(), Types.VARCHAR)
                .params(EvaluationRepository.params(evaluation, json))
                .update());
  }

  /**
   * Settles a run whose workflow has ended without recording its end, or never began it: the run,
   * recorded first if it never was, is completed as an {@code ERROR} with {@code message}. A run
   * already final stays as it is.
   *
   * @return the run as it now stands
   */
  public Run settle(UUID runId, UUID batchId, int sequence, int maxTurns, String message) {
    jdbc.sql(
            """
            insert into runs (id, batch_id, sequence, status, success_criteria, max_turns, created_at)
            values (:id, :batch, :sequence, 'RUNNING', '[]'::jsonb, :maxTurns, :now)
            on conflict do nothing""")
        .param("id", runId)
        .param("batch", batchId)
        .param("sequence", sequence)
        .param("maxTurns", maxTurns)
        .param("now", Timestamp.from(Instant.now()))
        .update();
    complete(runId, null, Evaluation.error(ErrorCategory.UNKNOWN, message, null), null);
    return find(batchId, runId).orElseThrow();
  }

  /** A run's success criteria while it runs; empty once it is final (or for a run not recorded). */
  public Optional<List<Criterion>> criteriaWhileRunning(UUID runId) {
    return jdbc.sql("select success_criteria from runs where id = :id and status = 'RUNNING'")
        .param("id", runId)
        .query((rs, n) -> json.readValue(rs.getString("success_criteria"), CRITERIA))
        .optional();
  }

  /**
   * The runs of a batch a rejudge evaluates again, in sequence order after {@code afterSequence}:
   * those judged, and those whose judge failed. A run stopped by its batch was never judged; one
   * whose agent or simulated user failed has a transcript that cannot be judged fairly.
   */
  public List<RunRef> rejudgeable(UUID batchId, int afterSequence, int limit) {
    return jdbc.sql(
            """
            select id, sequence from runs
            where batch_id = :batch and sequence > :after and status = 'COMPLETED' and verdict is not null
              and not (verdict = 'ERROR' and termination_reason in ('AGENT_ERROR', 'USER_ERROR'))
            order by sequence limit :limit""")
        .param("batch", batchId)
        .param("after", afterSequence)
        .param("limit", limit)
        .query((rs, n) -> new RunRef(rs.getObject("id", UUID.class), rs.getInt("sequence")))
        .list();
  }

  public record RunRef(UUID id, int sequence) {}

  /** Records which version of the simulated user's instructions the run used. */
  public void recordUserPromptVersion(UUID runId, String version) {
    jdbc.sql("update runs set user_prompt_version = :version where id = :id and status = 'RUNNING'")
        .param("id", runId)
        .param("version", version)
        .update();
  }

  /**
   * Marks a run stopped by its batch; what it said so far stays. A run stopped before its start was
   * recorded (the start may still be on its way, abandoned) is recorded as stopped, so the late
   * start finds it and changes nothing.
   *
   * @param endSequence where the transcript ends, see {@link #finish}
   * @return whether this call stopped the run, false when it was final already
   */
  public boolean stop(UUID runId, UUID batchId, int sequence, int maxTurns, Integer endSequence) {
    Timestamp now = Timestamp.from(Instant.now());
    return finish(
        runId,
        endSequence,
        () ->
            jdbc.sql(
                    """
            insert into runs (id, batch_id, sequence, status, termination_reason, is_batch_stopped,
                              success_criteria, max_turns, created_at, completed_at)
            values (:id, :batch, :sequence, 'STOPPED', 'CANCELLED', true, '[]'::jsonb, :maxTurns, :now, :now)
            on conflict (id) do update set status = 'STOPPED', termination_reason = 'CANCELLED',
                   is_batch_stopped = true, completed_at = coalesce(runs.completed_at, excluded.completed_at)
            where runs.status = 'RUNNING'""")
                .param("id", runId)
                .param("batch", batchId)
                .param("sequence", sequence)
                .param("maxTurns", maxTurns)
                .param("now", now)
                .update());
  }

  /** The sequences of the batch's runs recorded as running. */
  public List<Integer> runningSequences(UUID batchId) {
    return jdbc.sql(
            "select sequence from runs where batch_id = :batch and status = 'RUNNING' order by sequence")
        .param("batch", batchId)
        .query(Integer.class)
        .list();
  }

  public Optional<Run> find(UUID batchId, UUID runId) {
    return jdbc.sql("select " + RUN + " from runs r where r.id = :id and r.batch_id = :batch")
        .param("id", runId)
        .param("batch", batchId)
        .query((rs, n) -> run(rs))
        .optional()
        .map(run -> withTurns(List.of(run)).get(0));
  }

  /** A run of one of the project's batches, with its turns. */
  public Optional<Run> find(String projectId, UUID runId) {
    return jdbc.sql(
            "select "
                + RUN
                + " from runs r join batches b on b.id = r.batch_id"
                + " where r.id = :id and b.project_id = :project")
        .param("id", runId)
        .param("project", projectId)
        .query((rs, n) -> run(rs))
        .optional()
        .map(run -> withTurns(List.of(run)).get(0));
  }

  /**
   * One page of a batch's runs with their turns.
   *
   * @param status a verdict (SUCCESS, FAILED, ERROR) or lifecycle (RUNNING, COMPLETED, STOPPED);
   *     null for all
   */
  public List<Run> page(
      UUID batchId, String status, RunSort sort, boolean ascending, int limit, int skip) {
    return withTurns(
        jdbc.sql(
                "select "
                    + RUN
                    + " from runs r where batch_id = :batch"
                    + statusClause(status)
                    + " order by "
                    + sort.column()
                    + (ascending ? " asc" : " desc")
                    + " nulls last, sequence"
                    + (ascending ? " asc" : " desc")
                    + " limit :limit offset :skip")
            .param("batch", batchId)
            .param("status", status)
            .param("limit", limit)
            .param("skip", skip)
            .query((rs, n) -> run(rs))
            .list());
  }

  public int count(UUID batchId, String status) {
    return jdbc.sql("select count(*) from runs where batch_id = :batch" + statusClause(status))
        .param("batch", batchId)
        .param("status", status)
        .query(Integer.class)
        .single();
  }

  /** The verdicts of a batch's runs, in sequence order. */
  public List<RunVerdict> verdicts(UUID batchId) {
    return jdbc.sql(
            "select id, sequence, status, verdict, results from runs where batch_id = :batch order by sequence")
        .param("batch", batchId)
        .query(
            (rs, n) -> {
              String results = rs.getString("results");
              return new RunVerdict(
                  rs.getObject("id", UUID.class),
                  rs.getInt("sequence"),
                  "STOPPED".equals(rs.getString("status"))
                      ? null
                      : Rows.enumValue(rs, "verdict", Verdict.class),
                  results == null ? List.of() : json.readValue(results, RESULTS));
            })
        .list();
  }

  /** The verdicts of the scenario's runs in the project's batches, by agent and agent revision. */
  public List<RevisionVerdicts> verdictsByAgentRevision(String projectId, UUID scenarioId) {
    return jdbc.sql(
            """
            select b.agent_id, b.agent_revision_id, v.number,
                   count(*) filter (where r.verdict = 'SUCCESS') as succeeded,
                   count(*) filter (where r.verdict = 'FAILED') as failed,
                   count(*) filter (where r.verdict = 'ERROR') as errored
            from runs r join batches b on b.id = r.batch_id
                 left join agent_revisions v on v.id = b.agent_revision_id
            where b.project_id = :project and b.scenario_id = :scenario and r.status = 'COMPLETED'
            group by b.agent_id, b.agent_revision_id, v.number
            order by b.agent_id, v.number desc nulls last""")
        .param("project", projectId)
        .param("scenario", scenarioId)
        .query(
            (rs, n) ->
                new RevisionVerdicts(
                    rs.getObject("agent_id", UUID.class),
                    rs.getObject("agent_revision_id", UUID.class),
                    rs.getObject("number", Integer.class),
                    rs.getInt("succeeded"),
                    rs.getInt("failed"),
                    rs.getInt("errored")))
        .list();
  }

  private static String statusClause(String status) {
    return status == null ? "" : " and (verdict = :status or status = :status)";
  }

  private List<Run> withTurns(List<Run> runs) {
    Map<UUID, List<Turn>> byRun = turns.turnsByRun(runs.stream().map(Run::id).toList());
    return runs.stream().map(run -> run.withTurns(byRun.get(run.id()))).toList();
  }

  private Fork forkedFrom(String fork) {
    return fork == null ? null : json.readValue(fork, Fork.class);
  }

  private Run run(ResultSet rs) throws SQLException {
    String results = rs.getString("results");
    return new Run(
        rs.getObject("id", UUID.class),
        rs.getObject("batch_id", UUID.class),
        rs.getInt("sequence"),
        RunStatus.valueOf(rs.getString("status")),
        Rows.enumValue(rs, "verdict", Verdict.class),
        Rows.enumValue(rs, "termination_reason", TerminationReason.class),
        Rows.enumValue(rs, "error_category", ErrorCategory.class),
        rs.getString("error_message"),
        rs.getString("technical_details"),
        results == null ? List.of() : json.readValue(results, RESULTS),
        json.readValue(rs.getString("success_criteria"), CRITERIA),
        rs.getInt("max_turns"),
        rs.getBoolean("is_batch_stopped"),
        Rows.instant(rs, "created_at"),
        Rows.instant(rs, "completed_at"),
        rs.getString("sentiment"),
        rs.getString("summary"),
        rs.getObject("evaluation", Integer.class),
        rs.getString("user_prompt_version"),
        rs.getString("user_end_signal"),
        forkedFrom(rs.getString("fork")),
        List.of());
  }
}
