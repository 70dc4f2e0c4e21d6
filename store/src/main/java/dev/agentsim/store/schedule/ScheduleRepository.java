package dev.agentsim.store.schedule;

import dev.agentsim.store.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ScheduleRepository {

  private final JdbcClient jdbc;

  public ScheduleRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Schedule insert(
      String projectId,
      String name,
      String cron,
      Long intervalSeconds,
      String batch,
      boolean paused) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Schedule schedule =
        new Schedule(
            UUID.randomUUID(), projectId, name, cron, intervalSeconds, batch, paused, now, now);
    jdbc.sql(
            """
            insert into schedules (id, project_id, name, cron, interval_seconds, batch, paused, created_at, updated_at)
            values (:id, :project, :name, :cron, :interval, :batch::jsonb, :paused, :now, :now)""")
        .param("id", schedule.id())
        .param("project", projectId)
        .param("name", name)
        .param("cron", cron)
        .param("interval", intervalSeconds)
        .param("batch", batch)
        .param("paused", paused)
        .param("now", Timestamp.from(now))
        .update();
    return schedule;
  }

  public Optional<Schedule> find(String projectId, UUID id) {
    return jdbc.sql("select * from schedules where id = :id and project_id = :project")
        .param("id", id)
        .param("project", projectId)
        .query(ScheduleRepository::map)
        .optional();
  }

  /** A schedule whatever its project, for the engine, which knows it by id. */
  public Optional<Schedule> find(UUID id) {
    return jdbc.sql("select * from schedules where id = :id")
        .param("id", id)
        .query(ScheduleRepository::map)
        .optional();
  }

  /** The project's schedules, oldest first. */
  public List<Schedule> list(String projectId, int limit, int offset) {
    return jdbc.sql(
            "select * from schedules where project_id = :project order by created_at, id limit :limit offset :offset")
        .param("project", projectId)
        .param("limit", limit)
        .param("offset", offset)
        .query(ScheduleRepository::map)
        .list();
  }

  /** Every project's schedules, for bringing Temporal in line with them. */
  public List<Schedule> all() {
    return jdbc.sql("select * from schedules order by created_at, id")
        .query(ScheduleRepository::map)
        .list();
  }

  /**
   * @return the schedule as it is now; empty when it is not in the project
   */
  public Optional<Schedule> setPaused(String projectId, UUID id, boolean paused) {
    jdbc.sql(
            "update schedules set paused = :paused, updated_at = :now where id = :id and project_id = :project")
        .param("paused", paused)
        .param("now", Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MILLIS)))
        .param("id", id)
        .param("project", projectId)
        .update();
    return find(projectId, id);
  }

  /**
   * @return whether it was there
   */
  public boolean delete(String projectId, UUID id) {
    return jdbc.sql("delete from schedules where id = :id and project_id = :project")
            .param("id", id)
            .param("project", projectId)
            .update()
        > 0;
  }

  private static Schedule map(ResultSet rs, int row) throws SQLException {
    long seconds = rs.getLong("interval_seconds");
    Long interval = rs.wasNull() ? null : seconds;
    return new Schedule(
        rs.getObject("id", UUID.class),
        rs.getString("project_id"),
        rs.getString("name"),
        rs.getString("cron"),
        interval,
        rs.getString("batch"),
        rs.getBoolean("paused"),
        Rows.instant(rs, "created_at"),
        Rows.instant(rs, "updated_at"));
  }
}
