package dev.agentsim.activities.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.retention.RetentionRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.retention.RetentionActivities;
import dev.agentsim.workflows.retention.RetentionReport;
import dev.agentsim.workflows.retention.RetentionWorkflow;
import dev.agentsim.workflows.retention.RetentionWorkflowImpl;
import dev.agentsim.workflows.schedule.TemporalSchedules;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The daily cleanup, scheduled as the service schedules it on Temporal's test server (a cron
 * workflow) and run under time skipping against a real PostgreSQL: exactly the runs past their
 * project's retention go, with everything of theirs, and the finished batches they leave empty.
 */
class RetentionActivitiesTest {

  /** Small, so that every table takes several chunks. */
  private static final int CHUNK = 2;

  private static final int TURNS_PER_RUN = 3;

  @RegisterExtension static final Database DB = new Database();

  private JdbcClient jdbc;
  private RetentionRepository retention;
  private TestWorkflowEnvironment env;
  private final Set<UUID> keptBatches = new HashSet<>();
  private final Set<UUID> keptRuns = new HashSet<>();
  private final Set<UUID> expiredRuns = new HashSet<>();
  private final List<RetentionReport> reports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    jdbc = JdbcClient.create(DB.dataSource);
    for (String table : List.of("schedules", "project_settings", "batches")) {
      jdbc.sql("delete from " + table).update();
    }
    retention = new RetentionRepository(jdbc);
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.SIMULATION);
    worker.registerWorkflowImplementationTypes(RetentionWorkflowImpl.class);
    RetentionActivitiesImpl cleanup =
        new RetentionActivitiesImpl(
            retention,
            SimulatorSettings.of(Map.of("simulator.retention.chunk", String.valueOf(CHUNK))));
    worker.registerActivitiesImplementations(
        (RetentionActivities)
            () -> {
              RetentionReport report = cleanup.deleteExpired();
              reports.add(report);
              return report;
            });
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theDailyCleanupDeletesExactlyWhatIsPastItsProjectsRetention() {
    retention.setRetentionDays("short", 10);
    retention.setRetentionDays("long", 60);

    // "short" keeps 10 days: a 12-day-old batch goes whole, a 9-day-old one stays.
    UUID shortOld = batch("short", "COMPLETED", 12, false);
    runs(shortOld, 12, 3, false);
    UUID shortNew = batch("short", "COMPLETED", 9, true);
    runs(shortNew, 9, 2, true);
    // "default" keeps the default 30 days.
    UUID defaultOld = batch("default", "STOPPED", 31, false);
    runs(defaultOld, 31, 5, false);
    UUID defaultNew = batch("default", "FAILED", 29, true);
    runs(defaultNew, 29, 1, true);
    // A batch whose runs are past retention while they are still, or again, being worked on stays
    // whole.
    UUID running = batch("default", "RUNNING", 40, true);
    runs(running, 40, 1, true);
    UUID rejudging = batch("default", "COMPLETED", 40, true);
    runs(rejudging, 40, 1, true);
    jdbc.sql(
            "insert into rejudges (batch_id, number, criteria, status, created_at) values (?, 2, '[]', 'RUNNING', now())")
        .param(rejudging)
        .update();
    // Batches that never had runs: by their own age.
    batch("default", "STOPPED", 35, false);
    batch("default", "STOPPED", 5, true);
    // "long" keeps 60 days.
    UUID longKept = batch("long", "COMPLETED", 45, true);
    runs(longKept, 45, 2, true);

    new TemporalSchedules(env.getWorkflowClient())
        .onCron(RetentionWorkflow.ID, RetentionWorkflow.CRON, RetentionWorkflow.class);
    env.sleep(untilAfterThreeUtc());

    assertThat(ids("select id from batches")).containsExactlyInAnyOrderElementsOf(keptBatches);
    assertThat(ids("select id from runs")).containsExactlyInAnyOrderElementsOf(keptRuns);
    for (String table : RetentionRepository.RUN_TABLES) {
      assertThat(ids("select distinct run_id from " + table))
          .as(table)
          .containsExactlyInAnyOrderElementsOf(keptRuns);
    }
    assertThat(jdbc.sql("select count(*) from turns").query(Integer.class).single())
        .isEqualTo(keptRuns.size() * TURNS_PER_RUN);

    Map<String, Integer> deleted = new LinkedHashMap<>();
    for (String table : RetentionRepository.RUN_TABLES) {
      deleted.put(
          table, table.equals("turns") ? expiredRuns.size() * TURNS_PER_RUN : expiredRuns.size());
    }
    deleted.put("runs", expiredRuns.size());
    deleted.put("batches", 3);
    assertThat(reports).extracting(RetentionReport::rows).containsExactly(deleted);
  }

  @Test
  void aProjectWithoutItsOwnRetentionHasTheDefault() {
    assertThat(retention.retentionDays("nobody")).isEmpty();
    retention.setRetentionDays("p", 7);
    retention.setRetentionDays("p", 90);
    assertThat(retention.retentionDays("p")).hasValue(90);
  }

  /** Time to the next 03:00 UTC and a little, by the test server's clock. */
  private Duration untilAfterThreeUtc() {
    ZonedDateTime now = Instant.ofEpochMilli(env.currentTimeMillis()).atZone(ZoneOffset.UTC);
    ZonedDateTime three = now.toLocalDate().atTime(3, 0).atZone(ZoneOffset.UTC);
    if (!three.isAfter(now)) {
      three = three.plusDays(1);
    }
    return Duration.between(now, three).plusMinutes(5);
  }

  private UUID batch(String project, String status, int ageDays, boolean kept) {
    UUID id = UUID.randomUUID();
    DB.batches.insert(
        id,
        project,
        UUID.randomUUID(),
        UUID.randomUUID(),
        null,
        "batch",
        1,
        "native",
        Map.of(),
        "test",
        Map.of());
    jdbc.sql("update batches set status = ?, created_at = ? where id = ?")
        .params(status, daysAgo(ageDays), id)
        .update();
    if (kept) {
      keptBatches.add(id);
    }
    return id;
  }

  /** Runs with a row in every table of a run's. */
  private void runs(UUID batchId, int ageDays, int count, boolean kept) {
    for (int sequence = 0; sequence < count; sequence++) {
      UUID run = UUID.randomUUID();
      Timestamp created = daysAgo(ageDays);
      jdbc.sql(
              """
              insert into runs (id, batch_id, sequence, status, success_criteria, max_turns, created_at)
              values (?, ?, ?, 'COMPLETED', '[]', 5, ?)""")
          .params(run, batchId, sequence, created)
          .update();
      for (int turn = 0; turn < TURNS_PER_RUN; turn++) {
        jdbc.sql(
                "insert into turns (run_id, sequence, role, text, created_at) values (?, ?, 'user', 'hi', ?)")
            .params(run, turn, created)
            .update();
      }
      jdbc.sql(
              """
              insert into llm_calls (run_id, role, model_id, latency_ms, created_at)
              values (?, 'USER', ?, 10, ?)""")
          .params(run, UUID.randomUUID(), created)
          .update();
      jdbc.sql(
              """
              insert into evaluations (run_id, number, verdict, results, created_at)
              values (?, 1, 'SUCCESS', '[]', ?)""")
          .params(run, created)
          .update();
      jdbc.sql(
              "insert into judgements (run_id, evaluation, item, result, created_at) values (?, 1, 'summary', '{}', ?)")
          .params(run, created)
          .update();
      jdbc.sql(
              """
              insert into turn_results (run_id, sequence, party, next_sequence, ended, wait_millis, created_at)
              values (?, 0, 'agent', 1, false, 0, ?)""")
          .params(run, created)
          .update();
      jdbc.sql(
              "insert into remote_failures (run_id, sequence, party, failures) values (?, 0, 'agent', 1)")
          .params(run)
          .update();
      (kept ? keptRuns : expiredRuns).add(run);
    }
  }

  private static Timestamp daysAgo(int days) {
    return Timestamp.from(Instant.now().minus(Duration.ofDays(days)));
  }

  private List<UUID> ids(String sql) {
    return jdbc.sql(sql).query((rs, row) -> rs.getObject(1, UUID.class)).list();
  }
}
