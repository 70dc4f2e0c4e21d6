package dev.agentsim.workflows.schedule;

import dev.agentsim.workflows.TaskQueues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.util.List;
import java.util.Optional;

/**
 * Recurring workflows as Temporal Schedules, visible and pausable in the Temporal UI. Temporal's
 * Java test server (in-process, or standalone in place of a cluster) has no schedules: there the
 * caller falls back on a workflow of the schedule's id, a cron workflow for a cron expression.
 */
public final class TemporalSchedules {

  private final WorkflowClient client;
  private final ScheduleClient schedules;

  public TemporalSchedules(WorkflowClient client) {
    this.client = client;
    this.schedules =
        ScheduleClient.newInstance(
            client.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .build());
  }

  /**
   * Creates the Temporal Schedule {@code id} that starts the workflow with the arguments at the
   * spec's times, one at a time; an existing one is kept as it is, with any change made in the UI.
   *
   * @return false when this server has no schedules: nothing was created
   */
  public boolean schedule(
      String id, ScheduleSpec spec, boolean paused, Class<?> workflowType, Object... arguments) {
    try {
      schedules.createSchedule(
          id,
          Schedule.newBuilder()
              .setAction(
                  ScheduleActionStartWorkflow.newBuilder()
                      .setWorkflowType(workflowType)
                      .setArguments(arguments)
                      .setOptions(options(id).build())
                      .build())
              .setSpec(spec)
              .setPolicy(
                  SchedulePolicy.newBuilder()
                      .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                      .build())
              .setState(ScheduleState.newBuilder().setPaused(paused).build())
              .build(),
          ScheduleOptions.newBuilder().build());
      return true;
    } catch (ScheduleAlreadyRunningException exists) {
      return true;
    } catch (RuntimeException e) {
      if (status(e).orElse(null) == Status.Code.UNIMPLEMENTED) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Starts the workflow {@code id}, as a cron workflow when a cron expression is given; one that
   * runs already is kept.
   */
  public void startWorkflow(String id, String cron, Class<?> workflowType, Object... arguments) {
    WorkflowOptions.Builder options = options(id);
    if (cron != null) {
      options.setCronSchedule(cron);
    }
    try {
      WorkflowStub.fromTyped(client.newWorkflowStub(workflowType, options.build()))
          .start(arguments);
    } catch (WorkflowExecutionAlreadyStarted running) {
      // Started before, by this process or another.
    }
  }

  /**
   * A Temporal Schedule on the cron expression, or a cron workflow of the same id where there are
   * none.
   */
  public void onCron(String id, String cron, Class<?> workflowType, Object... arguments) {
    if (!schedule(
        id,
        ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).build(),
        false,
        workflowType,
        arguments)) {
      startWorkflow(id, cron, workflowType, arguments);
    }
  }

  /**
   * Pauses or resumes the Temporal Schedule; nothing on a server without schedules, or when
   * Temporal has lost it (it is created again with the stored state at the next start).
   */
  public void pause(String id, boolean paused) {
    try {
      if (paused) {
        schedules.getHandle(id).pause("paused through the API");
      } else {
        schedules.getHandle(id).unpause("resumed through the API");
      }
    } catch (RuntimeException e) {
      Status.Code code = status(e).orElse(null);
      if (code != Status.Code.UNIMPLEMENTED && code != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * Deletes the Temporal Schedule, or on a server without schedules ends the workflow of its id.
   */
  public void delete(String id) {
    try {
      schedules.getHandle(id).delete();
    } catch (RuntimeException e) {
      Status.Code code = status(e).orElse(null);
      if (code == Status.Code.UNIMPLEMENTED) {
        try {
          client.newUntypedWorkflowStub(id).terminate("its schedule was deleted");
        } catch (WorkflowNotFoundException gone) {
          // Nothing left to end.
        }
      } else if (code != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  private static WorkflowOptions.Builder options(String id) {
    return WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.SIMULATION);
  }

  /** The gRPC status of a failed call to the server. */
  public static Optional<Status.Code> status(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return Optional.of(status.getStatus().getCode());
      }
    }
    return Optional.empty();
  }
}
