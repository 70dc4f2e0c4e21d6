package dev.agentsim.api.batch;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.error.Unavailable;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import dev.agentsim.workflows.rejudge.RejudgeInput;
import dev.agentsim.workflows.rejudge.RejudgeWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.springframework.stereotype.Service;

/**
 * Judges a finished batch's stored transcripts again with its scenario's current criteria and the
 * batch's model: a new evaluation of the same runs, carried out by a {@link RejudgeWorkflow}.
 */
@Service
public class Rejudge {

  private final DefinitionRepository definitions;
  private final BatchRepository batches;
  private final WorkflowClient temporal;
  private final RetrySettings retry;
  private final int concurrency;

  public Rejudge(
      DefinitionRepository definitions,
      BatchRepository batches,
      WorkflowClient temporal,
      SimulatorSettings settings) {
    this.definitions = definitions;
    this.batches = batches;
    this.temporal = temporal;
    this.retry = settings.retry().settings();
    this.concurrency = settings.rejudge().concurrency();
  }

  /**
   * Starts the next evaluation of the batch's runs.
   *
   * @return the batch, rejudging
   * @throws Conflict when the batch has not finished, or is being rejudged already
   * @throws NotFound when its scenario or model has been deleted
   */
  public Batch start(Batch batch) {
    if (!batch.status().isFinal()) {
      throw new Conflict(
          "BATCH_NOT_FINISHED",
          "Batch "
              + batch.id()
              + " is "
              + batch.status().wire()
              + ": only a finished batch can be rejudged");
    }
    ScenarioSpec scenario =
        definitions
            .find(batch.projectId(), Kind.SCENARIO, batch.scenarioId(), ScenarioSpec.class)
            .orElseThrow(() -> new NotFound("Scenario " + batch.scenarioId() + " not found"))
            .spec();
    if (batch.modelId() != null) {
      if (definitions
          .find(batch.projectId(), Kind.MODEL, batch.modelId(), ModelSpec.class)
          .isEmpty()) {
        throw new NotFound("Model " + batch.modelId() + " not found");
      }
    }
    int evaluation =
        batches
            .startRejudge(batch.id(), scenario.criteria())
            .orElseThrow(
                () ->
                    new Conflict(
                        "REJUDGE_IN_PROGRESS",
                        "Batch "
                            + batch.id()
                            + " is being rejudged already: wait until it has finished"));
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(RejudgeWorkflow.workflowId(batch.id().toString(), evaluation))
            .setTaskQueue(TaskQueues.SIMULATION)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SimulationSearchAttributes.PROJECT, batch.projectId())
                    .set(SimulationSearchAttributes.BATCH, batch.id().toString())
                    .set(SimulationSearchAttributes.SCENARIO, batch.scenarioId().toString())
                    .build())
            .setStaticSummary(
                String.format(
                    "%s: evaluation %d of the runs of \"%s\"",
                    batch.name(), evaluation, scenario.name()))
            .build();
    try {
      WorkflowClient.start(
          temporal.newWorkflowStub(RejudgeWorkflow.class, options)::run,
          new RejudgeInput(batch.id().toString(), evaluation, concurrency, retry, -1));
    } catch (RuntimeException e) {
      batches.deleteRejudge(batch.id(), evaluation);
      throw new Unavailable(
          "Temporal did not start the rejudge of batch " + batch.id() + ": " + e.getMessage(), e);
    }
    return batches.find(batch.projectId(), batch.id()).orElseThrow();
  }
}
