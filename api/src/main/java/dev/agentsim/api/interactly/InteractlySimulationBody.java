package dev.agentsim.api.interactly;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.Map;

/**
 * The body of {@code POST /workflows/v1/simulations} as the API document shows it; {@link
 * InteractlyRequest} reads it.
 */
@Schema(
    name = "SimulationConfigRequest",
    description = "A simulation of the selected workflow against the counter workflow")
record InteractlySimulationBody(
    @JsonProperty("logical_id") @Schema(description = "Your identifier for the simulation")
        String logicalId,
    @Schema(description = "What the simulated user is to do: the mission") String description,
    @JsonProperty("selected_workflow")
        @Schema(requiredMode = RequiredMode.REQUIRED, description = "The agent under test")
        Workflow selectedWorkflow,
    @JsonProperty("counter_workflow")
        @Schema(
            requiredMode = RequiredMode.REQUIRED,
            description =
                "The simulated counterpart: another agent, or a persona played by the model")
        Workflow counterWorkflow,
    @JsonProperty("timeout_seconds") @Schema(minimum = "1", maximum = "604800")
        Integer timeoutSeconds,
    @JsonProperty("max_events")
        @Schema(
            minimum = "1",
            maximum = "10000",
            defaultValue = "500",
            description = "Messages per run")
        Integer maxEvents,
    @JsonProperty("number_of_simulations")
        @Schema(minimum = "1", maximum = "10000", defaultValue = "1", description = "Runs")
        Integer numberOfSimulations,
    @JsonProperty("stop_on_failure") @Schema(defaultValue = "false") Boolean stopOnFailure,
    @Schema(
            allowableValues = "pending",
            defaultValue = "pending",
            description = "A new simulation is pending")
        String status,
    @JsonProperty("model_id")
        @Schema(
            description =
                "Extension: the model playing a persona counterpart; the team's "
                    + "only model without it")
        String modelId) {

  @Schema(
      name = "SimulationWorkflowDetails",
      description =
          "name, total_events, total_nodes, "
              + "total_duration_seconds and run_id are read-only: sent, they are ignored")
  record Workflow(
      @JsonProperty("workflow_id")
          @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "An agent's id, or for the counter workflow a persona's")
          String workflowId,
      @JsonProperty("dynamic_variables")
          @Schema(
              description =
                  "Selected: sent to the agent as data. Counter: the "
                      + "counter agent's data, or the persona's and mission's placeholders")
          Map<String, Object> dynamicVariables) {}
}
