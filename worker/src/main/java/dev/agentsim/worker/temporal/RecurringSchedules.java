package dev.agentsim.worker.temporal;

import dev.agentsim.api.schedule.Schedules;
import dev.agentsim.workflows.retention.RetentionWorkflow;
import dev.agentsim.workflows.schedule.TemporalSchedules;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Keeps in Temporal what runs on a schedule: the daily retention cleanup ({@link
 * RetentionWorkflow}) and every stored schedule of batches, as Temporal Schedules, or cron
 * workflows on Temporal's test server, which has no schedules and, in-process, starts empty.
 * Whatever exists already is left as it is, so every worker process may ask.
 */
@Component
@ConditionalOnExpression(
    "${spring.temporal.start-workers:false} or ${simulator.worker.start-when-reachable:false}")
public class RecurringSchedules implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(RecurringSchedules.class);

  private final WorkflowClient client;
  private final Schedules schedules;
  private final boolean workersStartWithApplication;

  public RecurringSchedules(
      WorkflowClient client,
      Schedules schedules,
      @Value("${spring.temporal.start-workers:false}") boolean workersStartWithApplication) {
    this.client = client;
    this.schedules = schedules;
    this.workersStartWithApplication = workersStartWithApplication;
  }

  /**
   * Workers of a Temporal server of the service's own start later, and ensure these then (see
   * {@link ExternalTemporalStart}).
   */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (workersStartWithApplication) {
      ensureLogged();
    }
  }

  void ensureLogged() {
    try {
      new TemporalSchedules(client)
          .onCron(RetentionWorkflow.ID, RetentionWorkflow.CRON, RetentionWorkflow.class);
      schedules.ensureAll();
    } catch (RuntimeException e) {
      log.warn("The retention cleanup or the stored schedules could not be scheduled", e);
    }
  }
}
