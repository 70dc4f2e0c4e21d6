package dev.agentsim.api.feather;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Feather's {@code SimulationRunResponse}, every field of it, then extensions: {@code model_id},
 * {@code agent_revision} (the revision's number), {@code verdict} ({@code SUCCESS}, {@code FAILED},
 * {@code ERROR}), {@code termination_reason}, {@code results} and {@code transcript}.
 *
 * @param id the Feather run, which is a batch of one run here
 * @param sessionId the conversation: the batch's one run
 * @param status {@code pending}, {@code running}, {@code completed}, {@code failed} or {@code
 *     cancelled}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record FeatherRunView(
    String id,
    String sessionId,
    String organizationId,
    String agentId,
    String agentRevisionId,
    String personaId,
    String scenarioId,
    String channel,
    Map<String, Object> toolOverrides,
    String status,
    String startedAt,
    String finishedAt,
    String errorText,
    Map<String, Object> inputsSnapshot,
    String createdAt,
    String recordingId,
    String recordingStatus,
    String modelId,
    Integer agentRevision,
    String verdict,
    String terminationReason,
    List<Result> results,
    List<Message> transcript) {

  /** How one success criterion was judged. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Result(String type, Map<String, Object> params, boolean passed, String reason) {}

  /** One message of the conversation; {@code role} is {@code user} or {@code agent}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Message(int sequence, String role, String text, Integer latencyMs, String createdAt) {}
}
