package dev.agentsim.api.feather;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.Map;

/**
 * Feather's {@code SimulationRunDispatch} as the API document shows it; {@link FeatherDispatch}
 * reads it.
 */
@Schema(
    name = "SimulationRunDispatch",
    description = "One run of an agent, a persona and a scenario")
record FeatherDispatchBody(
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            format = "uuid",
            description = "The agent under test")
        @JsonProperty("agent_id")
        String agentId,
    @Schema(format = "uuid", description = "A revision of the agent to test; its latest without it")
        @JsonProperty("agent_revision_id")
        String agentRevisionId,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            format = "uuid",
            description = "The persona the scenario names")
        @JsonProperty("persona_id")
        String personaId,
    @Schema(requiredMode = RequiredMode.REQUIRED, format = "uuid") @JsonProperty("scenario_id")
        String scenarioId,
    @Schema(
            allowableValues = {"text", "voice"},
            defaultValue = "voice",
            description = "Only text is simulated: voice, Feather's default, answers 422")
        String channel,
    @Schema(description = "Canned tool answers by tool name") @JsonProperty("tool_overrides")
        Map<String, CannedToolResponse> toolOverrides,
    @Schema(
            format = "uuid",
            description =
                "Extension: the model playing the user and judging; the organization's "
                    + "only model without it")
        @JsonProperty("model_id")
        String modelId) {

  @Schema(name = "CannedToolResponse", description = "Exactly one of output and error")
  record CannedToolResponse(
      @Schema(description = "The tool's result, any JSON") Object output,
      @Schema(description = "The tool's error message") String error,
      @Schema(minimum = "0", maximum = "60000", defaultValue = "0") @JsonProperty("delay_ms")
          Integer delayMs) {}
}
