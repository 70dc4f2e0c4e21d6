package dev.agentsim.store.batch;

import dev.agentsim.store.Rows;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class BatchRepository {

  private static final String SELECT = """
      select b.*,
             count(r.id) filter (where r.verdict = 'SUCCESS') as succeeded,
             count(r.id) filter (where r.verdict = 'FAILED') as failed,
             count(r.id) filter (where r.verdict = 'ERROR') as errored,
             count(r.id) filter (where r.status = 'STOPPED') as stopped,
             count(r.id) filter (where r.status = 'RUNNING') as running
      from batches b left join runs r on r.batch_id = b.id
      """;

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public BatchRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public Batch insert(UUID id, String projectId, UUID scenarioId, UUID agentId, UUID modelId, String name,
      int runs, String endPointType, Map<String, Object> runConfig, String createdBy) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    jdbc.sql("""
            insert into batches (id, project_id, scenario_id, agent_id, model_id, name, runs, status,
                                 end_point_type, run_config, created_by, created_at)
            values (:id, :project, :scenario, :agent, :model, :name, :runs, :status,
                    :endPointType, :runConfig::jsonb, :createdBy, :now)""")
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
        .update();
    return new Batch(id, projectId, scenarioId, agentId, modelId, name, runs, BatchStatus.PENDING, null,
        endPointType, runConfig, createdBy, now, null, null, new Batch.Tally(0, 0, 0, 0, 0));
  }

  public Optional<Batch> find(String projectId, UUID id) {
    return jdbc.sql(SELECT + " where b.id = :id and b.project_id = :project group by b.id")
        .param("id", id)
        .param("project", projectId)
        .query(this::map)
        .optional();
  }

  /** Pending → running; a repeated call changes nothing. */
  public void markRunning(UUID id) {
    jdbc.sql("update batches set status = 'RUNNING', started_at = :now where id = :id and status = 'PENDING'")
        .param("id", id)
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  public void finish(UUID id, BatchStatus status, StopReason stopReason) {
    jdbc.sql("""
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
   * Fails every batch that has not finished, and stops its running runs: for an engine whose
   * workflows did not survive a restart.
   *
   * @return how many batches were failed
   */
  public int failUnfinished() {
    Timestamp now = Timestamp.from(Instant.now());
    jdbc.sql("""
            update runs set status = 'STOPPED', termination_reason = 'CANCELLED', is_batch_stopped = true,
                   completed_at = coalesce(completed_at, :now)
            where status = 'RUNNING'
              and batch_id in (select id from batches where status in ('PENDING', 'RUNNING'))""")
        .param("now", now)
        .update();
    return jdbc.sql("""
            update batches set status = 'FAILED', stop_reason = 'ERROR', completed_at = :now
            where status in ('PENDING', 'RUNNING')""")
        .param("now", now)
        .update();
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
        new Batch.Tally(rs.getInt("succeeded"), rs.getInt("failed"), rs.getInt("errored"),
            rs.getInt("stopped"), rs.getInt("running")));
  }

}
