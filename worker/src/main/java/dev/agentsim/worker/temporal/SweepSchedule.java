package dev.agentsim.worker.temporal;

import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.sweep.SweepInput;
import dev.agentsim.workflows.sweep.SweepWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the sweep ({@link SweepWorkflow}) running every {@code simulator.sweep.every}: a Temporal
 * Schedule, visible and pausable in the Temporal UI. Temporal's Java test server (in-process, or
 * standalone in place of a cluster) has no schedules; there the sweep is a cron workflow under the
 * same id, the pattern schedules replaced. Whichever exists already is left as it is, so every
 * worker process may ask.
 */
@Component
@ConditionalOnExpression(
    "${spring.temporal.start-workers:false} or ${simulator.worker.start-when-reachable:false}")
public class SweepSchedule implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(SweepSchedule.class);

  private final WorkflowClient client;
  private final Duration every;
  private final Duration after;
  private final boolean workersStartWithApplication;

  public SweepSchedule(
      WorkflowClient client,
      @Value("${spring.temporal.start-workers:false}") boolean workersStartWithApplication,
      SimulatorSettings settings) {
    this.client = client;
    this.workersStartWithApplication = workersStartWithApplication;
    this.every = settings.sweep().every();
    this.after = settings.sweep().after();
    if (this.every.toMinutes() < 1
        || this.every.toMinutes() > 59
        || this.every.toSecondsPart() != 0) {
      throw new IllegalArgumentException(
          "simulator.sweep.every must be whole minutes from 1m to 59m, not '" + every + "'");
    }
  }

  /**
   * Workers of a Temporal server of the service's own start later, and ensure the sweep then (see
   * {@link ExternalTemporalStart}).
   */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (workersStartWithApplication) {
      try {
        ensure();
      } catch (RuntimeException e) {
        log.warn(
            "The sweep could not be scheduled: batches whose workflow ends unrecorded stay running",
            e);
      }
    }
  }

  /** Creates the schedule, or the cron workflow on a server without schedules, unless it exists. */
  public void ensure() {
    SweepInput input = new SweepInput(after.toSeconds());
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(SweepWorkflow.ID)
            .setTaskQueue(TaskQueues.SIMULATION);
    try {
      ScheduleClient.newInstance(
              client.getWorkflowServiceStubs(),
              ScheduleClientOptions.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .build())
          .createSchedule(
              SweepWorkflow.ID,
              Schedule.newBuilder()
                  .setAction(
                      ScheduleActionStartWorkflow.newBuilder()
                          .setWorkflowType(SweepWorkflow.class)
                          .setArguments(input)
                          .setOptions(options.build())
                          .build())
                  .setSpec(
                      ScheduleSpec.newBuilder()
                          .setIntervals(List.of(new ScheduleIntervalSpec(every)))
                          .build())
                  .setPolicy(
                      SchedulePolicy.newBuilder()
                          .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                          .build())
                  .build(),
              ScheduleOptions.newBuilder().build());
      log.info("Temporal Schedule {} sweeps every {}", SweepWorkflow.ID, every);
    } catch (ScheduleAlreadyRunningException exists) {
      // Created by an earlier start or another worker: kept as it is, with any change made in the
      // UI.
    } catch (RuntimeException e) {
      if (!unimplemented(e)) {
        throw e;
      }
      startCron(options.setCronSchedule("*/" + every.toMinutes() + " * * * *").build(), input);
    }
  }

  private void startCron(WorkflowOptions options, SweepInput input) {
    try {
      WorkflowClient.start(client.newWorkflowStub(SweepWorkflow.class, options)::sweep, input);
      log.info(
          "This Temporal server has no schedules: cron workflow {} sweeps every {}",
          SweepWorkflow.ID,
          every);
    } catch (WorkflowExecutionAlreadyStarted running) {
      // Started by an earlier start or another worker.
    }
  }

  private static boolean unimplemented(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return true;
      }
    }
    return false;
  }
}
