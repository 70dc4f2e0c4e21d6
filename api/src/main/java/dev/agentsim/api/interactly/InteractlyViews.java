package dev.agentsim.api.interactly;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnRepository.MessageTotals;
import dev.agentsim.workflows.BatchStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Interactly's SimulationsModel, field for field. A simulation is one of our batches; its {@code
 * simulation_config} is what the client asked for (kept with the batch), with the live status and
 * each side's figures over all its runs: {@code total_events} the side's messages, {@code
 * total_duration_seconds} the time the side took to answer, {@code run_id} the latest run. Our
 * agents have no nodes: {@code total_nodes} is 0. Extensions: {@code model_id} in the config,
 * {@code scenario_id} (the runs are read at {@code /simulations/{scenario_id}/batches/{_id}/runs}),
 * and {@code runs}, the runs by outcome.
 */
final class InteractlyViews {

  /** Where the dialect's request is kept in the batch's run configuration. */
  static final String SELECTED = "selected_workflow";

  static final String COUNTER = "counter_workflow";

  private InteractlyViews() {}

  record Envelope(SimulationsModel simulation) {}

  record Page(List<SimulationsModel> simulations, int total, int skip, int limit) {}

  record SimulationsModel(
      @JsonProperty("team_id") String teamId,
      @JsonProperty("created_by") String createdBy,
      @JsonProperty("updated_by") String updatedBy,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt,
      @JsonProperty("_id") String id,
      @JsonProperty("simulation_config") SimulationConfig simulationConfig,
      @JsonProperty("scenario_id") String scenarioId,
      Runs runs) {}

  record SimulationConfig(
      @JsonProperty("logical_id") String logicalId,
      String description,
      @JsonProperty("selected_workflow") WorkflowDetails selectedWorkflow,
      @JsonProperty("counter_workflow") WorkflowDetails counterWorkflow,
      @JsonProperty("timeout_seconds") Integer timeoutSeconds,
      @JsonProperty("max_events") int maxEvents,
      @JsonProperty("number_of_simulations") int numberOfSimulations,
      @JsonProperty("stop_on_failure") boolean stopOnFailure,
      String status,
      @JsonProperty("model_id") String modelId) {}

  record WorkflowDetails(
      @JsonProperty("workflow_id") String workflowId,
      @JsonProperty("dynamic_variables") Map<String, Object> dynamicVariables,
      String name,
      @JsonProperty("total_events") int totalEvents,
      @JsonProperty("total_nodes") int totalNodes,
      @JsonProperty("total_duration_seconds") double totalDurationSeconds,
      @JsonProperty("run_id") String runId) {}

  record Runs(
      int total,
      int completed,
      int succeeded,
      int failed,
      int errored,
      int cancelled,
      int running) {}

  static SimulationsModel simulation(
      Batch batch, Map<String, MessageTotals> totals, String latestRunId) {
    Map<String, Object> config = batch.runConfig();
    Batch.Tally tally = batch.tally();
    Number timeout = (Number) config.get("timeout_seconds");
    SimulationConfig simulationConfig =
        new SimulationConfig(
            (String) config.get("logical_id"),
            (String) config.get("description"),
            workflow(config, SELECTED, totals.get(Turn.AGENT), latestRunId),
            workflow(config, COUNTER, totals.get(Turn.USER), latestRunId),
            timeout == null ? null : timeout.intValue(),
            ((Number) config.get("max_events")).intValue(),
            batch.runs(),
            Boolean.TRUE.equals(config.get("stop_on_failure")),
            status(batch.status()),
            (String) config.get("model_id"));
    Instant updated =
        batch.completedAt() != null
            ? batch.completedAt()
            : batch.startedAt() != null ? batch.startedAt() : batch.createdAt();
    return new SimulationsModel(
        batch.projectId(),
        batch.createdBy(),
        batch.createdBy(),
        time(batch.createdAt()),
        time(updated),
        batch.id().toString(),
        simulationConfig,
        batch.scenarioId().toString(),
        new Runs(
            batch.runs(),
            tally.finished(),
            tally.succeeded(),
            tally.failed(),
            tally.errored(),
            tally.stopped(),
            tally.running()));
  }

  /**
   * Our {@code stopped} is Interactly's {@code cancelled}; the other statuses have the same names.
   */
  static String status(BatchStatus status) {
    return status == BatchStatus.STOPPED ? "cancelled" : status.wire();
  }

  @SuppressWarnings("unchecked")
  private static WorkflowDetails workflow(
      Map<String, Object> config, String key, MessageTotals totals, String latestRunId) {
    Map<String, Object> workflow = (Map<String, Object>) config.get(key);
    if (workflow == null) {
      return null;
    }
    return new WorkflowDetails(
        (String) workflow.get("workflow_id"),
        (Map<String, Object>) workflow.get("dynamic_variables"),
        (String) workflow.get("name"),
        totals == null ? 0 : totals.messages(),
        0,
        totals == null ? 0 : totals.latencyMs() / 1000.0,
        latestRunId);
  }

  /** As Interactly writes times: UTC, to the second. */
  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
