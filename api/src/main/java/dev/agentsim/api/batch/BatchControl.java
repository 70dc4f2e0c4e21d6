package dev.agentsim.api.batch;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.batch.ControlRefusal;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowUpdateException;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * Changes a running batch through its workflow's updates. Each answers once the workflow has taken
 * the change and recorded it, so the batch read back shows it.
 */
@Service
class BatchControl {

  private final WorkflowClient temporal;
  private final BatchRepository batches;

  BatchControl(WorkflowClient temporal, BatchRepository batches) {
    this.temporal = temporal;
    this.batches = batches;
  }

  Batch raiseRuns(Batch batch, int runs) {
    return update(batch, workflow -> workflow.raiseRuns(runs));
  }

  Batch changeConcurrency(Batch batch, int concurrency) {
    return update(batch, workflow -> workflow.changeConcurrency(concurrency));
  }

  Batch pauseRuns(Batch batch) {
    return update(batch, BatchWorkflow::pauseRuns);
  }

  Batch resumeRuns(Batch batch) {
    return update(batch, BatchWorkflow::resumeRuns);
  }

  private Batch update(Batch batch, Consumer<BatchWorkflow> change) {
    if (batch.status().isFinal()) {
      throw finished(batch);
    }
    try {
      change.accept(
          temporal.newWorkflowStub(
              BatchWorkflow.class, BatchWorkflow.workflowId(batch.id().toString())));
    } catch (WorkflowUpdateException e) {
      ControlRefusal refusal = ControlRefusal.of(e).orElseThrow(() -> e);
      throw switch (refusal.reason()) {
        case BATCH_FINISHED, BATCH_ENDING ->
            new Conflict(refusal.reason().name(), refusal.message());
        case RUNS_BELOW_STARTED -> new FieldError("runs", "BELOW_STARTED", refusal.message());
        case NO_CONCURRENCY -> new FieldError("concurrency", "OUT_OF_RANGE", refusal.message());
      };
    } catch (WorkflowException e) {
      // The workflow ended between the read and the update.
      if (reread(batch).status().isFinal()) {
        throw finished(batch);
      }
      throw e;
    }
    return reread(batch);
  }

  private Batch reread(Batch batch) {
    return batches
        .find(batch.projectId(), batch.id())
        .orElseThrow(() -> new NotFound("Batch " + batch.id() + " not found"));
  }

  private static Conflict finished(Batch batch) {
    return new Conflict(
        ControlRefusal.Reason.BATCH_FINISHED.name(),
        "Batch "
            + batch.id()
            + " has finished ("
            + batch.status().wire()
            + "): it can no longer be changed");
  }
}
