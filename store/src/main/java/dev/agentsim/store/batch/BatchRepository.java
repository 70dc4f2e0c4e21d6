package dev.agentsim.store.batch;

import dev.agentsim.store.Rows;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.run.RunOutcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class BatchRepository {

  private static final TypeReference<List<Criterion>> CRITERIA = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

  private static final String SELECT =
      """
      select b.*,
             count(r.id) filter (where r.verdict = 'SUCCESS') as succeeded,
             count(r.id) filter (where r.verdict = 'FAILED') as failed,
             count(r.id) filter (where r.verdict = 'ERROR') as errored,
             count(r.id) filter (where r.status = 'STOPPED') as stopped,
             count(r.id) filter (where r.status = 'RUNNING') as running,
             coalesce((select max(j.number) from rejudges j where j.batch_id = b.id), 1) as evaluation,
             exists (select 1 from rejudges j where j.batch_id = b.id and j.status = 'RUNNING') as rejudging
      from batches b left join runs r on r.batch_id = b.id
      """;

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public BatchRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public Batch insert(
      UUID id,
      String projectId,
      UUID scenarioId,
      UUID agentId,
      UUID modelId,
      String name,
      int runs,
      String endPointType,
      Map<String, Object> runConfig,
      String createdBy,
      Map<String, String> labels) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    jdbc.sql(
            """
            insert into batches (id, project_id, scenario_id, agent_id, model_id, name, runs, status,
                                 end_point_type, run_config, created_by, created_at, labels)
            values (:id, :project, :scenario, :agent, :model, :name, :runs, :status,
                    :endPointType, :runConfig::jsonb, :createdBy, :now, :labels::jsonb)""")
        .param("id", id)
        .param("project", projectId)
        .param("scenario", scenarioId)
        .param("agent", agentId)
        .param("model", modelId)
        .param("name", name)
        .param("runs", runs)
        .param("status", BatchStatus.PENDING.name())
        .param("endPointType", endPointType)
        .param("runConfig", json.writeValueAsString(runConfig))
        .param("createdBy", createdBy)
        .param("now", Timestamp.from(now))
        .param("labels", json.writeValueAsString(labels))
        .update();
    return new Batch(
        id,
        projectId,
        scenarioId,
        agentId,
        modelId,
        name,
        runs,
        BatchStatus.PENDING,
        null,
        endPointType,
        runConfig,
        createdBy,
        now,
        null,
        null,
        new Batch.Tally(0, 0, 0, 0, 0),
        1,
        false,
        null,
        labels,
        false);
  }

  public Optional<Batch> find(String projectId, UUID id) {
    return jdbc.sql(SELECT + " where b.id = :id and b.project_id = :project group by b.id")
        .param("id", id)
        .param("project", projectId)
        .query(this::map)
        .optional();
  }

  /** A batch whatever its project, for the engine, which knows it by id. */
  public Optional<Batch> find(UUID id) {
    return jdbc.sql(SELECT + " where b.id = :id group by b.id")
        .param("id", id)
        .query(this::map)
        .optional();
  }

  /** Pending → running; a repeated call changes nothing. */
  public void markRunning(UUID id) {
    jdbc.sql(
            "update batches set status = 'RUNNING', started_at = :now where id = :id and status = 'PENDING'")
        .param("id", id)
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  public void finish(UUID id, BatchStatus status, StopReason stopReason) {
    jdbc.sql(
            """
            update batches set status = :status, stop_reason = :reason,
                   started_at = coalesce(started_at, :now), completed_at = coalesce(completed_at, :now)
            where id = :id""")
        .param("id", id)
        .param("status", status.name())
        .param("reason", stopReason == null ? null : stopReason.name())
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * Records what the batch's live control changed: its run count and pause, and in the kept
   * workflow input its run count, window and pause too, so a restart carries on as changed.
   */
  public void recordControl(UUID id, int runs, int concurrency, boolean paused) {
    jdbc.sql(
            """
            update batches set runs = :runs, paused = :paused,
                   workflow_input = workflow_input
                       || jsonb_build_object('runs', :runs, 'concurrency', :concurrency, 'paused', :paused)
            where id = :id""")
        .param("id", id)
        .param("runs", runs)
        .param("concurrency", concurrency)
        .param("paused", paused)
        .update();
  }

  /**
   * Keeps what the batch's workflow is started with, so it can be started again after a restart.
   */
  public void recordWorkflowInput(UUID id, BatchInput input) {
    jdbc.sql("update batches set workflow_input = :input::jsonb where id = :id")
        .param("id", id)
        .param("input", json.writeValueAsString(input))
        .update();
  }

  /**
   * A batch that has not finished, as a restart finds it.
   *
   * @param workflowInput what its workflow was started with; null for a batch scheduled before
   *     inputs were kept
   * @param runs its recorded runs: sequence, status ({@code RUNNING}, {@code COMPLETED}, {@code
   *     STOPPED}) and verdict
   */
  public record Unfinished(
      UUID id,
      String name,
      BatchStatus status,
      Instant startedAt,
      BatchInput workflowInput,
      List<RecordedRun> runs) {}

  public record RecordedRun(int sequence, RunStatus status, Verdict verdict) {

    public RunOutcome outcome() {
      return Run.outcome(sequence, status, verdict, null, null);
    }
  }

  /** Batches pending or running, in every project. */
  public int countInFlight() {
    return jdbc.sql("select count(*) from batches where status in ('PENDING', 'RUNNING')")
        .query(Integer.class)
        .single();
  }

  public List<Unfinished> unfinished() {
    List<UUID> ids =
        jdbc.sql(
                "select id from batches where status in ('PENDING', 'RUNNING') order by created_at")
            .query(UUID.class)
            .list();
    return ids.stream().map(this::unfinished).toList();
  }

  private Unfinished unfinished(UUID id) {
    List<RecordedRun> runs =
        jdbc.sql(
                "select sequence, status, verdict from runs where batch_id = :id order by sequence")
            .param("id", id)
            .query(
                (rs, n) ->
                    new RecordedRun(
                        rs.getInt("sequence"),
                        RunStatus.valueOf(rs.getString("status")),
                        rs.getString("verdict") == null
                            ? null
                            : Verdict.valueOf(rs.getString("verdict"))))
            .list();
    return jdbc.sql("select name, status, started_at, workflow_input from batches where id = :id")
        .param("id", id)
        .query(
            (rs, n) ->
                new Unfinished(
                    id,
                    rs.getString("name"),
                    BatchStatus.valueOf(rs.getString("status")),
                    Rows.instant(rs, "started_at"),
                    rs.getString("workflow_input") == null
                        ? null
                        : json.readValue(rs.getString("workflow_input"), BatchInput.class),
                    runs))
        .single();
  }

  /**
   * Fails a batch that cannot go on, stopping its running runs: one whose workflow was lost and
   * cannot be started again.
   */
  public void failLost(UUID id, StopReason reason) {
    Timestamp now = Timestamp.from(Instant.now());
    jdbc.sql(
            """
            update runs set status = 'STOPPED', termination_reason = 'CANCELLED', is_batch_stopped = true,
                   completed_at = coalesce(completed_at, :now)
            where status = 'RUNNING' and batch_id = :id""")
        .param("id", id)
        .param("now", now)
        .update();
    jdbc.sql(
            """
            update batches set status = 'FAILED', stop_reason = :reason, completed_at = :now
            where id = :id and status in ('PENDING', 'RUNNING')""")
        .param("id", id)
        .param("reason", reason.name())
        .param("now", now)
        .update();
  }

  /**
   * A batch the database says is not finished, for a check against Temporal.
   *
   * @param maxTurns its runs' exchange limit; 0 for a batch scheduled before its input was kept
   */
  public record Open(UUID id, int maxTurns) {}

  /** Batches not finished that were created before {@code createdBefore}. */
  public List<Open> openSince(Instant createdBefore) {
    return jdbc.sql(
            """
            select id, coalesce((workflow_input -> 'settings' ->> 'maxTurns')::int, 0) as max_turns
            from batches where status in ('PENDING', 'RUNNING') and created_at < :before order by created_at""")
        .param("before", Timestamp.from(createdBefore))
        .query((rs, row) -> new Open(rs.getObject("id", UUID.class), rs.getInt("max_turns")))
        .list();
  }

  /**
   * Ends a batch its workflow can no longer end, saying why; its runs are settled first. A batch
   * already finished stays as it is.
   */
  public void endForItsWorkflow(UUID id, BatchStatus status, StopReason reason, String detail) {
    Timestamp now = Timestamp.from(Instant.now());
    jdbc.sql(
            """
            update batches set status = :status, stop_reason = :reason, stop_detail = :detail,
                   started_at = coalesce(started_at, :now), completed_at = :now
            where id = :id and status in ('PENDING', 'RUNNING')""")
        .param("id", id)
        .param("status", status.name())
        .param("reason", reason == null ? null : reason.name(), Types.VARCHAR)
        .param("detail", detail)
        .param("now", now)
        .update();
  }

  /** A rejudge the database says is under way. */
  public record RejudgeUnderWay(UUID batchId, int number) {}

  /** Rejudges under way that were started before {@code startedBefore}. */
  public List<RejudgeUnderWay> rejudgesUnderWaySince(Instant startedBefore) {
    return jdbc.sql(
            "select batch_id, number from rejudges where status = 'RUNNING' and created_at < :before")
        .param("before", Timestamp.from(startedBefore))
        .query(
            (rs, row) ->
                new RejudgeUnderWay(rs.getObject("batch_id", UUID.class), rs.getInt("number")))
        .list();
  }

  /**
   * Marks one rejudge failed, so the batch can be rejudged again; one already ended stays as it is.
   */
  public void failRejudge(UUID batchId, int number) {
    endRejudge(batchId, number, "FAILED");
  }

  /** Fails every rejudge under way: for an engine whose workflows did not survive a restart. */
  public int failUnfinishedRejudges() {
    return jdbc.sql(
            "update rejudges set status = 'FAILED', completed_at = :now where status = 'RUNNING'")
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  /** How many of the batch's runs ended in ERROR, by error category. */
  public Map<ErrorCategory, Integer> errorsByCategory(UUID batchId) {
    Map<ErrorCategory, Integer> errors = new EnumMap<>(ErrorCategory.class);
    jdbc.sql(
            """
            select error_category, count(*) as runs from runs
            where batch_id = :batch and verdict = 'ERROR' group by error_category""")
        .param("batch", batchId)
        .query(
            rs -> {
              ErrorCategory category = Rows.enumValue(rs, "error_category", ErrorCategory.class);
              errors.merge(
                  category == null ? ErrorCategory.UNKNOWN : category,
                  rs.getInt("runs"),
                  Integer::sum);
            });
    return errors;
  }

  /**
   * Starts evaluation number n+1 of a finished batch's runs with these criteria, unless the batch
   * is not finished or another rejudge is under way.
   *
   * @return the new evaluation's number; empty when the batch cannot be rejudged now
   */
  public OptionalInt startRejudge(UUID batchId, List<Criterion> criteria) {
    try {
      return jdbc.sql(
              """
              insert into rejudges (batch_id, number, criteria, status, created_at)
              select b.id, coalesce((select max(j.number) from rejudges j where j.batch_id = b.id), 1) + 1,
                     :criteria::jsonb, 'RUNNING', :now
              from batches b
              where b.id = :id and b.status in ('COMPLETED', 'FAILED', 'STOPPED')
                and not exists (select 1 from rejudges j where j.batch_id = b.id and j.status = 'RUNNING')
              returning number""")
          .param("id", batchId)
          .param("criteria", json.writeValueAsString(criteria))
          .param("now", Timestamp.from(Instant.now()))
          .query(Integer.class)
          .optional()
          .map(OptionalInt::of)
          .orElse(OptionalInt.empty());
    } catch (DuplicateKeyException e) {
      return OptionalInt.empty(); // another request started the same evaluation at the same moment
    }
  }

  /** The criteria an evaluation judges with. */
  public List<Criterion> rejudgeCriteria(UUID batchId, int number) {
    return json.readValue(
        jdbc.sql("select criteria from rejudges where batch_id = :id and number = :number")
            .param("id", batchId)
            .param("number", number)
            .query(String.class)
            .single(),
        CRITERIA);
  }

  /** Marks a rejudge done; repeating it changes nothing. */
  public void finishRejudge(UUID batchId, int number) {
    endRejudge(batchId, number, "COMPLETED");
  }

  private void endRejudge(UUID batchId, int number, String status) {
    jdbc.sql(
            """
            update rejudges set status = :status, completed_at = :now
            where batch_id = :id and number = :number and status = 'RUNNING'""")
        .param("id", batchId)
        .param("number", number)
        .param("status", status)
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  /** Forgets a rejudge whose workflow could not be started. */
  public void deleteRejudge(UUID batchId, int number) {
    jdbc.sql("delete from rejudges where batch_id = :id and number = :number")
        .param("id", batchId)
        .param("number", number)
        .update();
  }

  /** Records which agent revision the batch's runs test. */
  public void recordAgentRevision(UUID batchId, UUID revisionId) {
    jdbc.sql("update batches set agent_revision_id = :revision where id = :id")
        .param("id", batchId)
        .param("revision", revisionId)
        .update();
  }

  /**
   * The agent revision the batch's runs test; empty for batches scheduled before revisions existed.
   */
  public Optional<UUID> agentRevisionId(UUID batchId) {
    return jdbc.sql(
            "select agent_revision_id from batches where id = :id and agent_revision_id is not null")
        .param("id", batchId)
        .query(UUID.class)
        .optional();
  }

  /** A project's batches scheduled through one endpoint type (a dialect), newest first. */
  public List<Batch> page(String projectId, String endPointType, int limit, int skip) {
    return jdbc.sql(
            SELECT
                + """
            where b.project_id = :project and b.end_point_type = :endPointType
            group by b.id order by b.created_at desc, b.id limit :limit offset :skip""")
        .param("project", projectId)
        .param("endPointType", endPointType)
        .param("limit", limit)
        .param("skip", skip)
        .query(this::map)
        .list();
  }

  public int count(String projectId, String endPointType) {
    return jdbc.sql(
            "select count(*) from batches where project_id = :project and end_point_type = :endPointType")
        .param("project", projectId)
        .param("endPointType", endPointType)
        .query(Integer.class)
        .single();
  }

  /**
   * Which of a project's batches to list: each filter null for any; every label must match.
   *
   * @param after the last batch of the previous page; null for the first page
   */
  public record Query(
      String projectId,
      BatchStatus status,
      UUID scenarioId,
      UUID agentId,
      Map<String, String> labels,
      Position after,
      int limit) {}

  /** Where a batch stands in the newest-first order. */
  public record Position(Instant createdAt, UUID id) {}

  /** A project's batches, whichever dialect scheduled them, newest first. */
  public List<Batch> list(Query query) {
    StringBuilder where = new StringBuilder(" where b.project_id = :project");
    if (query.status() != null) {
      where.append(" and b.status = :status");
    }
    if (query.scenarioId() != null) {
      where.append(" and b.scenario_id = :scenario");
    }
    if (query.agentId() != null) {
      where.append(" and b.agent_id = :agent");
    }
    if (!query.labels().isEmpty()) {
      where.append(" and b.labels @> :labels::jsonb");
    }
    if (query.after() != null) {
      where.append(" and (b.created_at, b.id) < (:afterCreatedAt, :afterId)");
    }
    return jdbc.sql(
            SELECT + where + " group by b.id order by b.created_at desc, b.id desc limit :limit")
        .param("project", query.projectId())
        .param("status", query.status() == null ? null : query.status().name(), Types.VARCHAR)
        .param("scenario", query.scenarioId())
        .param("agent", query.agentId())
        .param("labels", json.writeValueAsString(query.labels()))
        .param(
            "afterCreatedAt",
            query.after() == null ? null : Timestamp.from(query.after().createdAt()),
            Types.TIMESTAMP)
        .param("afterId", query.after() == null ? null : query.after().id())
        .param("limit", query.limit())
        .query(this::map)
        .list();
  }

  /** What became of a request to delete a batch. */
  public enum Deletion {
    DELETED,
    NOT_FOUND,
    NOT_FINISHED,
    REJUDGING
  }

  /**
   * Deletes a finished batch of the project with everything recorded for it: its runs, their turns,
   * evaluations, judgements and LLM calls, by the foreign keys' cascades. A batch running or being
   * rejudged stays: its workflow still writes to it.
   */
  public Deletion deleteFinished(String projectId, UUID id) {
    int deleted =
        jdbc.sql(
                """
            delete from batches b where b.id = :id and b.project_id = :project
              and b.status in ('COMPLETED', 'FAILED', 'STOPPED')
              and not exists (select 1 from rejudges j where j.batch_id = b.id and j.status = 'RUNNING')""")
            .param("id", id)
            .param("project", projectId)
            .update();
    if (deleted > 0) {
      return Deletion.DELETED;
    }
    return find(projectId, id)
        .map(batch -> batch.status().isFinal() ? Deletion.REJUDGING : Deletion.NOT_FINISHED)
        .orElse(Deletion.NOT_FOUND);
  }

  /** Removes a batch whose workflow could not be started, so nothing stays half-created. */
  public void delete(UUID id) {
    jdbc.sql("delete from batches where id = :id").param("id", id).update();
  }

  private Batch map(ResultSet rs, int row) throws SQLException {
    return new Batch(
        rs.getObject("id", UUID.class),
        rs.getString("project_id"),
        rs.getObject("scenario_id", UUID.class),
        rs.getObject("agent_id", UUID.class),
        rs.getObject("model_id", UUID.class),
        rs.getString("name"),
        rs.getInt("runs"),
        BatchStatus.valueOf(rs.getString("status")),
        Rows.enumValue(rs, "stop_reason", StopReason.class),
        rs.getString("end_point_type"),
        json.readValue(rs.getString("run_config"), new TypeReference<Map<String, Object>>() {}),
        rs.getString("created_by"),
        Rows.instant(rs, "created_at"),
        Rows.instant(rs, "started_at"),
        Rows.instant(rs, "completed_at"),
        new Batch.Tally(
            rs.getInt("succeeded"),
            rs.getInt("failed"),
            rs.getInt("errored"),
            rs.getInt("stopped"),
            rs.getInt("running")),
        rs.getInt("evaluation"),
        rs.getBoolean("rejudging"),
        rs.getString("stop_detail"),
        json.readValue(rs.getString("labels"), LABELS),
        rs.getBoolean("paused"));
  }
}
