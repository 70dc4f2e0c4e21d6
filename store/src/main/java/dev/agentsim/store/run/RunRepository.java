package dev.agentsim.store.run;

import dev.agentsim.store.Rows;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunSettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs and their turns. Every write is idempotent, because activities that write are retried.
 */
@Repository
public class RunRepository {

  private static final TypeReference<List<CriterionResult>> RESULTS = new TypeReference<>() {};
  private static final TypeReference<List<Criterion>> CRITERIA = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final TransactionTemplate transaction;

  public RunRepository(JdbcClient jdbc, JsonMapper json, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.json = json;
    this.transaction = new TransactionTemplate(transactions);
  }

  /** Records a run as running with the criteria it will be judged by and its settings; idempotent. */
  public void start(UUID runId, UUID batchId, int sequence, List<Criterion> criteria, int maxTurns,
      RunSettings settings) {
    jdbc.sql("""
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

  /** The settings the run started with; empty for a run that is not recorded or started without them. */
  public Optional<RunSettings> settings(UUID runId) {
    return jdbc.sql("select settings from runs where id = :id")
        .param("id", runId)
        .query((rs, n) -> Optional.ofNullable(rs.getString("settings")))
        .optional()
        .flatMap(settings -> settings)
        .map(settings -> json.readValue(settings, RunSettings.class));
  }

  /**
   * What a party's turn finds when it starts, in one round trip.
   *
   * @param done what an earlier attempt of this turn stored; an ended turn that stores nothing when
   *     the run is final already (or not recorded); null when the turn is still to be taken
   * @param lastUserText the simulated user's latest message before the turn; null when it has said
   *     nothing yet
   */
  public record TurnStart(TurnOutcome done, String lastUserText) {}

  public TurnStart turnStart(UUID runId, int sequence, String party) {
    return jdbc.sql("""
            select r.status, t.next_sequence, t.ended, t.wait_millis,
                   (select u.text from turns u where u.run_id = k.id and u.sequence < :sequence and u.role = 'user'
                    order by u.sequence desc limit 1) as last_user_text
            from (select :run::uuid as id) k
            left join runs r on r.id = k.id
            left join turn_results t on t.run_id = k.id and t.sequence = :sequence and t.party = :party""")
        .param("run", runId)
        .param("sequence", sequence)
        .param("party", party)
        .query((rs, n) -> {
          String lastUserText = rs.getString("last_user_text");
          if (!"RUNNING".equals(rs.getString("status"))) {
            return new TurnStart(TurnOutcome.runIsFinal(sequence), lastUserText);
          }
          return new TurnStart(rs.getObject("next_sequence") == null ? null : turnOutcome(rs), lastUserText);
        })
        .single();
  }

  private Optional<TurnOutcome> storedTurn(UUID runId, int sequence, String party) {
    return jdbc.sql("""
            select next_sequence, ended, wait_millis from turn_results
            where run_id = :run and sequence = :sequence and party = :party""")
        .param("run", runId)
        .param("sequence", sequence)
        .param("party", party)
        .query((rs, n) -> turnOutcome(rs))
        .optional();
  }

  /**
   * Stores a party's turn: its messages, how it ended and the simulated user's end signal, all in
   * one statement (so one transaction and one round trip) and at most once per run, sequence and
   * party. The first attempt to get here wins; any other (a retry, or an attempt its retry
   * overtook) stores nothing and gets what the first stored. A run that is already final stores
   * nothing at all: its row is locked first, as {@link #finish} locks it.
   *
   * @param endSignal how the simulated user ended the conversation; null for none
   */
  public StoredTurn storeTurn(UUID runId, int sequence, String party, List<Turn> turns, TurnOutcome outcome,
      String endSignal) {
    Integer[] sequences = new Integer[turns.size()];
    String[] roles = new String[turns.size()];
    String[] texts = new String[turns.size()];
    String[] data = new String[turns.size()];
    Integer[] latencies = new Integer[turns.size()];
    String[] createdAt = new String[turns.size()];
    for (int i = 0; i < turns.size(); i++) {
      Turn turn = turns.get(i);
      sequences[i] = turn.sequence();
      roles[i] = turn.role();
      texts[i] = turn.text();
      data[i] = turn.data() == null ? null : json.writeValueAsString(turn.data());
      latencies[i] = turn.latencyMs();
      createdAt[i] = turn.createdAt().toString();
    }
    // The result first: a turn stored already keeps its row, and this attempt stores nothing.
    Stored stored = jdbc.sql("""
            with running as (
              select id from runs where id = :run and status = 'RUNNING' for update
            ), result as (
              insert into turn_results (run_id, sequence, party, next_sequence, ended, wait_millis, created_at)
              select id, :sequence, :party, :next, :ended, :wait, :now from running
              on conflict do nothing
              returning run_id
            ), messages as (
              insert into turns (run_id, sequence, role, text, data, latency_ms, created_at)
              select result.run_id, m.sequence, m.role, m.text, m.data::jsonb, m.latency, m.created_at::timestamptz
              from result, unnest(:sequences::int[], :roles::text[], :texts::text[], :data::text[],
                                  :latencies::int[], :createdAt::text[]) as m(sequence, role, text, data, latency, created_at)
              on conflict (run_id, sequence) do nothing
            ), signal as (
              update runs set user_end_signal = :signal
              from result where runs.id = result.run_id and cast(:signal as text) is not null
            )
            select exists (select 1 from running) as running, exists (select 1 from result) as stored""")
        .param("run", runId)
        .param("sequence", sequence)
        .param("party", party)
        .param("next", outcome.nextSequence())
        .param("ended", outcome.ended())
        .param("wait", outcome.waitMillis())
        .param("now", Timestamp.from(Instant.now()))
        .param("sequences", sequences)
        .param("roles", roles)
        .param("texts", texts)
        .param("data", data)
        .param("latencies", latencies)
        .param("createdAt", createdAt)
        .param("signal", endSignal, Types.VARCHAR)
        .query((rs, n) -> new Stored(rs.getBoolean("running"), rs.getBoolean("stored")))
        .single();
    if (!stored.running()) {
      return new StoredTurn(TurnOutcome.runIsFinal(sequence), false);
    }
    return stored.byThisCall() ? new StoredTurn(outcome, true)
        : new StoredTurn(storedTurn(runId, sequence, party).orElseThrow(), false);
  }

  /** Whether the run was running when a turn came to be stored, and whether this call stored it. */
  private record Stored(boolean running, boolean byThisCall) {}

  /**
   * A turn as {@link #storeTurn} left it.
   *
   * @param byThisCall this call stored it: no other attempt had, and the run was running
   */
  public record StoredTurn(TurnOutcome outcome, boolean byThisCall) {}

  /** Locks the run's row for the rest of the transaction; null for a run not recorded. */
  private String lockedStatus(UUID runId) {
    return jdbc.sql("select status from runs where id = :id for update")
        .param("id", runId)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static TurnOutcome turnOutcome(ResultSet rs) throws SQLException {
    return new TurnOutcome(rs.getInt("next_sequence"), rs.getBoolean("ended"), rs.getLong("wait_millis"));
  }

  /**
   * Counts one more failed call to a party for a turn.
   *
   * @return the failures counted for that turn so far, this one included
   */
  public int countRemoteFailure(UUID runId, int sequence, String party) {
    return jdbc.sql("""
            insert into remote_failures (run_id, sequence, party, failures) values (:run, :sequence, :party, 1)
            on conflict (run_id, sequence, party) do update set failures = remote_failures.failures + 1
            returning failures""")
        .param("run", runId)
        .param("sequence", sequence)
        .param("party", party)
        .query(Integer.class)
        .single();
  }

  /** Stores one message; a retried activity that stores it again changes nothing. */
  public void addTurn(UUID runId, Turn turn) {
    jdbc.sql("""
            insert into turns (run_id, sequence, role, text, data, latency_ms, created_at)
            values (:run, :sequence, :role, :text, :data::jsonb, :latency, :createdAt)
            on conflict (run_id, sequence) do nothing""")
        .param("run", runId)
        .param("sequence", turn.sequence())
        .param("role", turn.role())
        .param("text", turn.text())
        .param("data", turn.data() == null ? null : json.writeValueAsString(turn.data()))
        .param("latency", turn.latencyMs())
        .param("createdAt", Timestamp.from(turn.createdAt()))
        .update();
  }

  public List<Turn> turns(UUID runId) {
    return jdbc.sql("select * from turns where run_id = :run order by sequence")
        .param("run", runId)
        .query((rs, n) -> turn(rs))
        .list();
  }

  /** The messages a turn at {@code sequence} follows: never those a later turn (or a late attempt) stored. */
  public List<Turn> turnsBefore(UUID runId, int sequence) {
    return jdbc.sql("select * from turns where run_id = :run and sequence < :sequence order by sequence")
        .param("run", runId)
        .param("sequence", sequence)
        .query((rs, n) -> turn(rs))
        .list();
  }

  /**
   * Makes a run final in one transaction, after making its transcript end where the workflow knows
   * it ends: messages at or after {@code endSequence} were stored by an attempt the workflow no
   * longer waited for. The run's row is locked first, so a turn being stored is either in before
   * the fence or refused after it.
   *
   * @param endSequence null to keep every message (runs of workflows that do not say where it ends)
   */
  private void finish(UUID runId, Integer endSequence, Runnable finalize) {
    transaction.executeWithoutResult(status -> {
      String runStatus = lockedStatus(runId);
      if (endSequence != null && "RUNNING".equals(runStatus)) {
        for (String table : List.of("turns", "turn_results")) {
          jdbc.sql("delete from " + table + " where run_id = :id and sequence >= :end")
              .param("id", runId)
              .param("end", endSequence)
              .update();
        }
      }
      finalize.run();
    });
  }

  /**
   * Records a finished run's first evaluation, and the evaluation in the run's history; a run
   * already completed or stopped stays as it is.
   *
   * @param endSequence where the transcript ends, see {@link #finish}
   */
  public void complete(UUID runId, TerminationReason reason, Evaluation evaluation, Integer endSequence) {
    finish(runId, endSequence, () -> jdbc.sql("""
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
        .params(evaluationParams(evaluation))
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
    jdbc.sql("""
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

  /**
   * Records evaluation {@code number} of a completed run and makes it the run's latest; its
   * transcript and termination reason stay. Recording the same evaluation twice changes nothing.
   */
  public void reevaluate(UUID runId, int number, Evaluation evaluation) {
    jdbc.sql("""
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
        .params(evaluationParams(evaluation))
        .update();
  }

  private Map<String, Object> evaluationParams(Evaluation evaluation) {
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
   * and returned, so an evaluation retried after a partial failure asks the model only for the rest.
   *
   * @param item what was judged, e.g. {@code criterion:2} or {@code summary}
   */
  public <T> T judgement(UUID runId, int number, String item, Class<T> type, Supplier<T> judge) {
    Optional<String> stored = jdbc.sql("""
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
    jdbc.sql("""
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

  /** A run's success criteria while it runs; empty once it is final (or for a run not recorded). */
  public Optional<List<Criterion>> criteriaWhileRunning(UUID runId) {
    return jdbc.sql("select success_criteria from runs where id = :id and status = 'RUNNING'")
        .param("id", runId)
        .query((rs, n) -> json.readValue(rs.getString("success_criteria"), CRITERIA))
        .optional();
  }

  /** The items of evaluation {@code number} of a run judged and kept already, see {@link #judgement}. */
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
        .query((rs, n) -> new Evaluation(
            Verdict.valueOf(rs.getString("verdict")),
            Rows.enumValue(rs, "error_category", ErrorCategory.class),
            rs.getString("error_message"),
            rs.getString("technical_details"),
            json.readValue(rs.getString("results"), RESULTS),
            rs.getString("sentiment"),
            rs.getString("summary")))
        .list();
  }

  /**
   * The runs of a batch a rejudge evaluates again, in sequence order after {@code afterSequence}:
   * those judged, and those whose judge failed. A run stopped by its batch was never judged; one
   * whose agent or simulated user failed has a transcript that cannot be judged fairly.
   */
  public List<RunRef> rejudgeable(UUID batchId, int afterSequence, int limit) {
    return jdbc.sql("""
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
   * Marks a run stopped by its batch; what it said so far stays. A run stopped before its start
   * was recorded (the start may still be on its way, abandoned) is recorded as stopped, so the
   * late start finds it and changes nothing.
   *
   * @param endSequence where the transcript ends, see {@link #finish}
   */
  public void stop(UUID runId, UUID batchId, int sequence, int maxTurns, Integer endSequence) {
    Timestamp now = Timestamp.from(Instant.now());
    finish(runId, endSequence, () -> jdbc.sql("""
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
    return jdbc.sql("select sequence from runs where batch_id = :batch and status = 'RUNNING' order by sequence")
        .param("batch", batchId)
        .query(Integer.class)
        .list();
  }

  public Optional<Run> find(UUID batchId, UUID runId) {
    return jdbc.sql("select * from runs where id = :id and batch_id = :batch")
        .param("id", runId)
        .param("batch", batchId)
        .query((rs, n) -> run(rs))
        .optional()
        .map(run -> withTurns(List.of(run)).get(0));
  }

  /** A run of one of the project's batches, with its turns. */
  public Optional<Run> find(String projectId, UUID runId) {
    return jdbc.sql("select r.* from runs r join batches b on b.id = r.batch_id where r.id = :id and b.project_id = :project")
        .param("id", runId)
        .param("project", projectId)
        .query((rs, n) -> run(rs))
        .optional()
        .map(run -> withTurns(List.of(run)).get(0));
  }

  /**
   * One page of a batch's runs with their turns.
   *
   * @param status a verdict (SUCCESS, FAILED, ERROR) or lifecycle (RUNNING, COMPLETED, STOPPED); null for all
   */
  public List<Run> page(UUID batchId, String status, RunSort sort, boolean ascending, int limit, int skip) {
    return withTurns(jdbc.sql("select * from runs where batch_id = :batch" + statusClause(status)
            + " order by " + sort.column() + (ascending ? " asc" : " desc") + " nulls last, sequence"
            + (ascending ? " asc" : " desc") + " limit :limit offset :skip")
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

  /**
   * The messages of all a batch's runs, by role ({@code user}, {@code agent}): how many, and how
   * long their senders took to answer in all (messages without a latency count as none).
   */
  public Map<String, MessageTotals> messageTotals(UUID batchId) {
    Map<String, MessageTotals> totals = new LinkedHashMap<>();
    jdbc.sql("""
            select t.role, count(*) as messages, coalesce(sum(t.latency_ms), 0) as latency
            from turns t join runs r on r.id = t.run_id where r.batch_id = :batch group by t.role""")
        .param("batch", batchId)
        .query((rs, n) -> totals.put(rs.getString("role"),
            new MessageTotals(rs.getInt("messages"), rs.getLong("latency"))))
        .list();
    return totals;
  }

  public record MessageTotals(int messages, long latencyMs) {}

  private static String statusClause(String status) {
    return status == null ? "" : " and (verdict = :status or status = :status)";
  }

  /** Loads the turns of many runs in one query. */
  private List<Run> withTurns(List<Run> runs) {
    if (runs.isEmpty()) {
      return runs;
    }
    Map<UUID, List<Turn>> byRun = new LinkedHashMap<>();
    runs.forEach(run -> byRun.put(run.id(), new ArrayList<>()));
    Collection<UUID> ids = byRun.keySet();
    jdbc.sql("select * from turns where run_id in (:ids) order by run_id, sequence")
        .param("ids", ids)
        .query(rs -> {
          byRun.get(rs.getObject("run_id", UUID.class)).add(turn(rs));
        });
    return runs.stream().map(run -> run.withTurns(byRun.get(run.id()))).toList();
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
        List.of());
  }

  private Turn turn(ResultSet rs) throws SQLException {
    String data = rs.getString("data");
    Integer latency = rs.getObject("latency_ms", Integer.class);
    return new Turn(
        rs.getInt("sequence"),
        rs.getString("role"),
        rs.getString("text"),
        data == null ? null : json.readValue(data, OBJECT),
        latency,
        Rows.instant(rs, "created_at"));
  }
}
