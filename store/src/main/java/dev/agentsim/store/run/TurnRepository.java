package dev.agentsim.store.run;

import dev.agentsim.store.Rows;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's turns: the messages of its transcript, how each party's turn ended, and the failed calls
 * counted per turn. Every write is idempotent, because activities that write are retried.
 */
@Repository
public class TurnRepository {

  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public TurnRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
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
    return jdbc.sql(
            """
            select r.status, t.next_sequence, t.ended, t.wait_millis,
                   (select u.text from turns u where u.run_id = k.id and u.sequence < :sequence and u.role = 'user'
                    order by u.sequence desc limit 1) as last_user_text
            from (select :run::uuid as id) k
            left join runs r on r.id = k.id
            left join turn_results t on t.run_id = k.id and t.sequence = :sequence and t.party = :party""")
        .param("run", runId)
        .param("sequence", sequence)
        .param("party", party)
        .query(
            (rs, n) -> {
              String lastUserText = rs.getString("last_user_text");
              if (!"RUNNING".equals(rs.getString("status"))) {
                return new TurnStart(TurnOutcome.runIsFinal(sequence), lastUserText);
              }
              return new TurnStart(
                  rs.getObject("next_sequence") == null ? null : turnOutcome(rs), lastUserText);
            })
        .single();
  }

  private Optional<TurnOutcome> storedTurn(UUID runId, int sequence, String party) {
    return jdbc.sql(
            """
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
   * nothing at all: its row is locked first, as {@link RunRepository} locks it to make the run
   * final.
   *
   * @param endSignal how the simulated user ended the conversation; null for none
   */
  public StoredTurn storeTurn(
      UUID runId,
      int sequence,
      String party,
      List<Turn> turns,
      TurnOutcome outcome,
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
    // The run's row is written here too: the turn must be refused once the run is final, and the
    // end signal belongs to the turn that gave it, so both go in the turn's one statement.
    Stored stored =
        jdbc.sql(
                """
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
    return stored.byThisCall()
        ? new StoredTurn(outcome, true)
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

  private static TurnOutcome turnOutcome(ResultSet rs) throws SQLException {
    return new TurnOutcome(
        rs.getInt("next_sequence"), rs.getBoolean("ended"), rs.getLong("wait_millis"));
  }

  /**
   * Counts one more failed call to a party for a turn.
   *
   * @return the failures counted for that turn so far, this one included
   */
  public int countRemoteFailure(UUID runId, int sequence, String party) {
    return jdbc.sql(
            """
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
    jdbc.sql(
            """
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

  /**
   * The messages a turn at {@code sequence} follows: never those a later turn (or a late attempt)
   * stored.
   */
  public List<Turn> turnsBefore(UUID runId, int sequence) {
    return jdbc.sql(
            "select * from turns where run_id = :run and sequence < :sequence order by sequence")
        .param("run", runId)
        .param("sequence", sequence)
        .query((rs, n) -> turn(rs))
        .list();
  }

  /** The turns of many runs in one query, by run; a run without any has an empty list. */
  public Map<UUID, List<Turn>> turnsByRun(Collection<UUID> runIds) {
    Map<UUID, List<Turn>> byRun = new LinkedHashMap<>();
    runIds.forEach(id -> byRun.put(id, new ArrayList<>()));
    if (runIds.isEmpty()) {
      return byRun;
    }
    jdbc.sql("select * from turns where run_id in (:ids) order by run_id, sequence")
        .param("ids", runIds)
        .query(
            rs -> {
              byRun.get(rs.getObject("run_id", UUID.class)).add(turn(rs));
            });
    return byRun;
  }

  /**
   * Drops the messages and turn results stored at or after {@code endSequence}; only {@link
   * RunRepository} calls it, in the transaction that makes the run final with its row locked.
   */
  void dropFrom(UUID runId, int endSequence) {
    for (String table : List.of("turns", "turn_results")) {
      jdbc.sql("delete from " + table + " where run_id = :id and sequence >= :end")
          .param("id", runId)
          .param("end", endSequence)
          .update();
    }
  }

  /**
   * The messages of all a batch's runs, by role ({@code user}, {@code agent}): how many, and how
   * long their senders took to answer in all (messages without a latency count as none).
   */
  public Map<String, MessageTotals> messageTotals(UUID batchId) {
    Map<String, MessageTotals> totals = new LinkedHashMap<>();
    jdbc.sql(
            """
            select t.role, count(*) as messages, coalesce(sum(t.latency_ms), 0) as latency
            from turns t join runs r on r.id = t.run_id where r.batch_id = :batch group by t.role""")
        .param("batch", batchId)
        .query(
            (rs, n) ->
                totals.put(
                    rs.getString("role"),
                    new MessageTotals(rs.getInt("messages"), rs.getLong("latency"))))
        .list();
    return totals;
  }

  public record MessageTotals(int messages, long latencyMs) {}

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
