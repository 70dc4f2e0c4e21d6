package dev.agentsim.workflows.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.workflows.TaskQueues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schedules of batches on Temporal's test server, which has no Temporal Schedules: the fallback
 * workflows start a batch at the cron times, or after each interval, under time skipping.
 */
@Timeout(60)
class ScheduledBatchWorkflowTest {

  private TestWorkflowEnvironment env;
  private ScheduledBatches schedules;
  private final List<Instant> starts = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.SIMULATION);
    worker.registerWorkflowImplementationTypes(ScheduledBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        (ScheduleActivities)
            scheduleId -> {
              if (failures.getAndDecrement() > 0) {
                throw ApplicationFailure.newNonRetryableFailure(
                    "Temporal refused the batch", "Unavailable");
              }
              starts.add(Instant.ofEpochMilli(env.currentTimeMillis()));
              return new ScheduleActivities.ScheduledBatch("batch-" + starts.size(), null);
            });
    env.start();
    schedules = new ScheduledBatches(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aCronScheduleStartsABatchAtEachCronTime() {
    Instant created = Instant.ofEpochMilli(env.currentTimeMillis());
    schedules.create("hourly", "0 * * * *", null, false);

    env.sleep(Duration.ofHours(3));

    Instant firstHour = created.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    assertThat(starts).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(starts.get(i))
          .isBetween(
              firstHour.plus(i, ChronoUnit.HOURS),
              firstHour.plus(i, ChronoUnit.HOURS).plusSeconds(5));
    }
  }

  @Test
  void anIntervalScheduleStartsABatchAfterEachInterval() {
    Instant created = Instant.ofEpochMilli(env.currentTimeMillis());
    schedules.create("half-hourly", null, 1800L, false);

    env.sleep(Duration.ofMinutes(125));

    assertThat(starts).hasSize(4);
    for (int i = 0; i < 4; i++) {
      Instant due = created.plus(Duration.ofMinutes(30L * (i + 1)));
      assertThat(starts.get(i)).isBetween(due, due.plusSeconds(5 * (i + 1)));
    }
  }

  @Test
  void anIntervalScheduleGoesOnAfterABatchThatCouldNotStart() {
    failures.set(1);
    schedules.create("half-hourly", null, 1800L, false);

    env.sleep(Duration.ofMinutes(65));

    assertThat(starts).hasSize(1);
  }

  @Test
  void aDeletedScheduleStartsNoMoreBatches() {
    schedules.create("cron", "*/10 * * * *", null, false);
    schedules.create("interval", null, 600L, false);
    env.sleep(Duration.ofMinutes(21));
    int before = starts.size();
    assertThat(before).isGreaterThanOrEqualTo(4);

    schedules.delete("cron");
    schedules.delete("interval");
    env.sleep(Duration.ofHours(1));

    assertThat(starts).hasSize(before);
  }

  @Test
  void creatingAScheduleTwiceKeepsOne() {
    schedules.create("hourly", "0 * * * *", null, false);
    schedules.create("hourly", "0 * * * *", null, false);

    env.sleep(Duration.ofHours(2));

    assertThat(starts).hasSize(2);
  }
}
