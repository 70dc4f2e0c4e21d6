package dev.agentsim.store.retention;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * How long each project keeps its results, and the deletion of what is past it. A run is past its
 * project's retention when it was created more than {@code retentionDays} days ago; only runs of
 * finished batches that are not being rejudged are deleted. Every delete takes at most a given
 * number of rows, so that each is a short transaction however much has expired.
 */
@Repository
public class RetentionRepository {

  /** What belongs to a run, deleted before the run itself: the largest first. */
  public static final List<String> RUN_TABLES =
      List.of("turns", "llm_calls", "judgements", "evaluations", "turn_results", "remote_failures");

  private static final String CUTOFF =
      """
      cast(:now as timestamptz) - make_interval(days => coalesce(
          (select s.retention_days from project_settings s where s.project_id = b.project_id), :days))""";

  private static final String FINISHED =
      """
      b.status in ('COMPLETED', 'FAILED', 'STOPPED')
      and not exists (select 1 from rejudges j where j.batch_id = b.id and j.status = 'RUNNING')""";

  private static final String EXPIRED_RUNS =
      """
      select r.id from runs r join batches b on b.id = r.batch_id
      where r.created_at < %s and %s"""
          .formatted(CUTOFF, FINISHED);

  private final JdbcClient jdbc;

  public RetentionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The project's own retention; empty when it has the default. */
  public OptionalInt retentionDays(String projectId) {
    return jdbc.sql("select retention_days from project_settings where project_id = :project")
        .param("project", projectId)
        .query(Integer.class)
        .optional()
        .map(OptionalInt::of)
        .orElse(OptionalInt.empty());
  }

  public void setRetentionDays(String projectId, int days) {
    jdbc.sql(
            """
            insert into project_settings (project_id, retention_days, updated_at) values (:project, :days, :now)
            on conflict (project_id) do update set retention_days = excluded.retention_days, updated_at = excluded.updated_at""")
        .param("project", projectId)
        .param("days", days)
        .param("now", Timestamp.from(Instant.now()))
        .update();
  }

  /**
   * Deletes up to {@code limit} rows of one of {@link #RUN_TABLES} that belong to expired runs.
   *
   * @param defaultDays the retention of projects without their own
   * @return the rows deleted; fewer than {@code limit} when none are left
   */
  public int deleteOfExpiredRuns(String table, Instant now, int defaultDays, int limit) {
    if (!RUN_TABLES.contains(table)) {
      throw new IllegalArgumentException("Not a table of runs: " + table);
    }
    return jdbc.sql(
            "delete from "
                + table
                + " where ctid = any(array(select t.ctid from "
                + table
                + " t where t.run_id in ("
                + EXPIRED_RUNS
                + ") limit :limit))")
        .param("now", Timestamp.from(now))
        .param("days", defaultDays)
        .param("limit", limit)
        .update();
  }

  /** Deletes up to {@code limit} expired runs, with whatever of theirs is left. */
  public int deleteExpiredRuns(Instant now, int defaultDays, int limit) {
    return jdbc.sql("delete from runs where id = any(array(" + EXPIRED_RUNS + " limit :limit))")
        .param("now", Timestamp.from(now))
        .param("days", defaultDays)
        .param("limit", limit)
        .update();
  }

  /** Deletes up to {@code limit} finished batches past retention that have no runs left. */
  public int deleteEmptyExpiredBatches(Instant now, int defaultDays, int limit) {
    return jdbc.sql(
            """
            delete from batches where id = any(array(
                select b.id from batches b
                where b.created_at < %s and %s
                  and not exists (select 1 from runs r where r.batch_id = b.id)
                limit :limit))"""
                .formatted(CUTOFF, FINISHED))
        .param("now", Timestamp.from(now))
        .param("days", defaultDays)
        .param("limit", limit)
        .update();
  }
}
