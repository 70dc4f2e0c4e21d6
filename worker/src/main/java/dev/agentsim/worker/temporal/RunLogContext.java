package dev.agentsim.worker.temporal;

import dev.agentsim.workflows.batch.BatchWorkflow;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts the batch and run ids in the logging context ({@value #BATCH} and {@value #RUN}) of every
 * workflow and activity of a batch, its runs, rejudges and webhook deliveries, read from the
 * workflow's id (see BatchWorkflow, RejudgeWorkflow, WebhookDeliveryWorkflow). Workflow threads
 * keep them until they end, when Temporal clears their context; activities, which run on pooled
 * threads, only while they run.
 */
@Component
class RunLogContext extends WorkerInterceptorBase {

  static final String BATCH = "batchId";
  static final String RUN = "runId";

  private static final Pattern IDS =
      Pattern.compile(
          "(?:batch|rejudge|webhook)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-run-(\\d+)$)?.*");

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outbound) {
        super.init(
            new WorkflowOutboundCallsInterceptorBase(outbound) {
              @Override
              public Object newChildThread(Runnable runnable, boolean detached, String name) {
                String workflowId = Workflow.getInfo().getWorkflowId();
                return super.newChildThread(
                    () -> {
                      put(workflowId);
                      runnable.run();
                    },
                    detached,
                    name);
              }
            });
      }

      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        put(Workflow.getInfo().getWorkflowId());
        return super.execute(input);
      }

      @Override
      public void handleSignal(SignalInput input) {
        put(Workflow.getInfo().getWorkflowId());
        super.handleSignal(input);
      }

      @Override
      public UpdateOutput executeUpdate(UpdateInput input) {
        put(Workflow.getInfo().getWorkflowId());
        return super.executeUpdate(input);
      }
    };
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        boolean put = put(context.getInfo().getWorkflowId());
        try {
          return super.execute(input);
        } finally {
          if (put) {
            MDC.remove(BATCH);
            MDC.remove(RUN);
          }
        }
      }
    };
  }

  /**
   * @return whether the workflow id named a batch
   */
  private static boolean put(String workflowId) {
    Matcher ids = IDS.matcher(workflowId);
    if (!ids.matches()) {
      return false;
    }
    MDC.put(BATCH, ids.group(1));
    if (ids.group(2) != null) {
      MDC.put(RUN, BatchWorkflow.runId(ids.group(1), Integer.parseInt(ids.group(2))));
    }
    return true;
  }
}
