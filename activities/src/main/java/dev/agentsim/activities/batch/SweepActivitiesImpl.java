package dev.agentsim.activities.batch;

import dev.agentsim.activities.webhook.WebhookDispatch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.batch.BatchRepository.Open;
import dev.agentsim.store.batch.BatchRepository.RejudgeUnderWay;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.StopReason;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.rejudge.RejudgeWorkflow;
import dev.agentsim.workflows.sweep.SweepActivities;
import dev.agentsim.workflows.sweep.SweepInput;
import dev.agentsim.workflows.sweep.SweepReport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sweep: a batch or rejudge the database says is under way, whose workflow Temporal says has
 * ended or does not know (terminated from its UI, reset away, lost with a server's data), is ended
 * in the database with the reason, so nothing reads {@code running} forever and the batch can be
 * rejudged again. A batch's runs go with it: those whose workflow still runs are cancelled (they
 * record their partial transcripts, as a stopped batch's runs do), the others are recorded as ERROR
 * naming what became of their workflow. The batch's end is announced to its project's webhooks, as
 * any batch's end is.
 */
@Component("sweepActivities")
public class SweepActivitiesImpl implements SweepActivities {

  private static final Logger log = LoggerFactory.getLogger(SweepActivitiesImpl.class);

  private final BatchRepository batches;
  private final RunRepository runs;
  private final WorkflowClient workflowClient;
  private final WebhookDispatch webhooks;

  public SweepActivitiesImpl(
      BatchRepository batches,
      RunRepository runs,
      WorkflowClient workflowClient,
      WebhookDispatch webhooks) {
    this.batches = batches;
    this.runs = runs;
    this.workflowClient = workflowClient;
    this.webhooks = webhooks;
  }

  @Override
  public SweepReport sweep(SweepInput input) {
    Instant before = Instant.now().minusSeconds(input.afterSeconds());
    int checked = 0;
    int ended = 0;
    int settled = 0;
    int stopped = 0;
    for (Open batch : batches.openSince(before)) {
      checked++;
      String batchId = batch.id().toString();
      String workflowId = BatchWorkflow.workflowId(batchId);
      WorkflowExecutionStatus status = WorkflowFates.statusOf(workflowClient, workflowId);
      if (WorkflowFates.running(status)) {
        continue;
      }
      for (int sequence : runs.runningSequences(batch.id())) {
        String runWorkflowId = BatchWorkflow.runWorkflowId(batchId, sequence);
        WorkflowExecutionStatus runStatus = WorkflowFates.statusOf(workflowClient, runWorkflowId);
        if (WorkflowFates.running(runStatus)) {
          workflowClient.newUntypedWorkflowStub(runWorkflowId).cancel();
          stopped++;
        } else {
          WorkflowFates.settle(runs, batchId, sequence, batch.maxTurns(), runStatus);
          settled++;
        }
      }
      String detail =
          "The batch's workflow "
              + workflowId
              + (status == null
                  ? " is unknown to Temporal"
                  : " " + WorkflowFates.ended(status) + " in Temporal")
              + " without recording how the batch ended";
      BatchStatus end =
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED
              ? BatchStatus.STOPPED
              : BatchStatus.FAILED;
      batches.endForItsWorkflow(
          batch.id(),
          end,
          end == BatchStatus.STOPPED ? StopReason.USER_CANCELLED : StopReason.ERROR,
          detail);
      webhooks.batchEnded(batch.id());
      ended++;
      log.warn("Batch {} ended as {}: {}", batchId, end, detail);
    }
    int rejudgesFailed = 0;
    for (RejudgeUnderWay rejudge : batches.rejudgesUnderWaySince(before)) {
      String workflowId =
          RejudgeWorkflow.workflowId(rejudge.batchId().toString(), rejudge.number());
      WorkflowExecutionStatus status = WorkflowFates.statusOf(workflowClient, workflowId);
      if (!WorkflowFates.running(status)) {
        batches.failRejudge(rejudge.batchId(), rejudge.number());
        rejudgesFailed++;
        log.warn(
            "Rejudge {} of batch {} marked failed: its workflow {} {}",
            rejudge.number(),
            rejudge.batchId(),
            workflowId,
            status == null ? "is unknown to Temporal" : WorkflowFates.ended(status));
      }
    }
    return new SweepReport(checked, ended, settled, stopped, rejudgesFailed);
  }
}
