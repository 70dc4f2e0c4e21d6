package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.statistics.Statistics;
import java.util.Map;
import java.util.UUID;

/**
 * A batch with its runs counted by outcome, its ERROR runs by category, the tokens and cost of its
 * LLM calls, and how sure its pass rate is.
 *
 * @param endPointType how it was scheduled: {@code native}, {@code api} (Cognigy), {@code feather},
 *     {@code interactly}
 * @param paused no new run starts until the batch is resumed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchResponse(
    UUID id,
    String projectId,
    UUID scenarioId,
    UUID agentId,
    UUID modelId,
    String name,
    String status,
    String stopReason,
    String stopDetail,
    int runs,
    int succeededRuns,
    int failedRuns,
    int erroredRuns,
    int stoppedRuns,
    int runningRuns,
    Map<String, Integer> errorsByCategory,
    Map<String, UsageView> usage,
    Statistics statistics,
    int evaluation,
    boolean rejudging,
    String endPointType,
    Map<String, String> labels,
    boolean paused,
    String createdAt,
    String startedAt,
    String completedAt) {}
