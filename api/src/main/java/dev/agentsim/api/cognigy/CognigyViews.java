package dev.agentsim.api.cognigy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.batch.UsageView;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Cognigy Simulator's response shapes, field for field as its API reference gives them. */
final class CognigyViews {

  private CognigyViews() {}

  /**
   * A batch. {@code completedRuns} counts every finished run, {@code failedRuns} those judged
   * FAILED or ERROR; the remaining fields are extensions: {@code errorsByCategory} counts the ERROR
   * runs by {@code errorInfo.category}, {@code usage} the LLM tokens and cost of all runs, {@code
   * evaluation} is the latest evaluation's number (1, and one more per rejudge).
   */
  record BatchView(
      String id,
      String referenceId,
      String simulationReference,
      String projectReference,
      String name,
      String status,
      int runs,
      int completedRuns,
      int failedRuns,
      long createdAt,
      Long startedAt,
      Long completedAt,
      String stopReason,
      int succeededRuns,
      int erroredRuns,
      int stoppedRuns,
      int runningRuns,
      Map<String, Integer> errorsByCategory,
      Map<String, UsageView> usage,
      int evaluation,
      boolean rejudging) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RunView(
      String id,
      String organisationReference,
      String projectReference,
      String simulationReference,
      String simulationRunBatchReference,
      int sequence,
      String largeLanguageModelReferenceId,
      String endPointType,
      List<TurnView> turns,
      int totalTurns,
      int maxTurns,
      List<CriterionView> successCriteria,
      Metrics metrics,
      long createdAt,
      String createdBy,
      long duration,
      String expiresAt,
      String status,
      String terminationReason,
      Integer evaluation,
      String userPromptVersion,
      String userEndSignal) {}

  record TurnView(String id, int sequence, String text, Map<String, Object> data, long createdAt) {}

  record CriterionView(String type, Map<String, Object> params) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Metrics(
      String sentiment,
      boolean success,
      List<CriterionResult> results,
      SuccessRate successRate,
      String summary,
      boolean isBatchStopped,
      boolean isConversationEnded,
      ErrorInfo errorInfo,
      String status,
      Map<String, UsageView> usage) {}

  record SuccessRate(double percentage, int numerator, int denominator) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ErrorInfo(String category, String message, String technicalDetails) {}

  static BatchView batch(Batch batch, Map<ErrorCategory, Integer> errors, Usage usage) {
    Batch.Tally tally = batch.tally();
    Map<String, Integer> errorsByCategory = new LinkedHashMap<>();
    errors.forEach((category, runs) -> errorsByCategory.put(category.name(), runs));
    return new BatchView(
        batch.id().toString(),
        batch.id().toString(),
        batch.scenarioId().toString(),
        batch.projectId(),
        batch.name(),
        batch.status().wire(),
        batch.runs(),
        tally.finished(),
        tally.failed() + tally.errored(),
        batch.createdAt().toEpochMilli(),
        millis(batch.startedAt()),
        millis(batch.completedAt()),
        batch.stopReason() == null ? null : batch.stopReason().name(),
        tally.succeeded(),
        tally.errored(),
        tally.stopped(),
        tally.running(),
        errorsByCategory,
        UsageView.of(usage),
        batch.evaluation(),
        batch.rejudging());
  }

  /**
   * @param retention how long the project keeps a run: {@code expiresAt} is that long after it was
   *     created
   */
  static RunView run(Batch batch, Run run, Usage usage, Duration retention) {
    List<TurnView> turns =
        run.turns().stream()
            .map(
                turn ->
                    new TurnView(
                        run.id() + ":" + (turn.sequence() + 1),
                        turn.sequence() + 1,
                        turn.text(),
                        turnData(turn),
                        turn.createdAt().toEpochMilli()))
            .toList();
    Instant end = run.completedAt() == null ? Instant.now() : run.completedAt();
    return new RunView(
        run.id().toString(),
        batch.projectId(),
        batch.projectId(),
        batch.scenarioId().toString(),
        batch.id().toString(),
        run.sequence() + 1,
        batch.modelId() == null ? null : batch.modelId().toString(),
        batch.endPointType(),
        turns,
        turns.size(),
        run.maxTurns(),
        run.successCriteria().stream()
            .map(c -> new CriterionView(c.type(), c.params() == null ? Map.of() : c.params()))
            .toList(),
        metrics(run, usage),
        run.createdAt().toEpochMilli(),
        batch.createdBy(),
        Duration.between(run.createdAt(), end).toMillis(),
        run.createdAt().plus(retention).toString(),
        run.status().wire(),
        run.terminationReason() == null ? null : run.terminationReason().name(),
        run.evaluation(),
        run.userPromptVersion(),
        run.userEndSignal());
  }

  /**
   * The run's metrics. {@code sentiment} and {@code summary} are the model's reading of the
   * simulated user's experience; a run no model read gets a summary of what happened instead.
   */
  private static Metrics metrics(Run run, Usage usage) {
    int passed = (int) run.results().stream().filter(CriterionResult::passed).count();
    int total = run.results().size();
    double percentage =
        total == 0 ? (run.verdict() == Verdict.SUCCESS ? 100.0 : 0.0) : 100.0 * passed / total;
    ErrorCategory category = run.errorCategory() == null ? ErrorCategory.NONE : run.errorCategory();
    return new Metrics(
        run.sentiment(),
        run.verdict() == Verdict.SUCCESS,
        run.results(),
        new SuccessRate(percentage, passed, total),
        run.summary() != null ? run.summary() : summary(run, passed, total),
        run.batchStopped(),
        run.terminationReason() != null && run.terminationReason().endsConversation(),
        run.status() == RunStatus.RUNNING
            ? null
            : new ErrorInfo(category.name(), run.errorMessage(), run.technicalDetails()),
        run.verdict() == null ? null : run.verdict().name(),
        UsageView.of(usage));
  }

  private static String summary(Run run, int passed, int total) {
    if (run.status() == RunStatus.RUNNING) {
      return "The conversation is in progress.";
    }
    String ending =
        describe(run.terminationReason()) + " after " + run.turns().size() + " messages.";
    if (run.status() == RunStatus.STOPPED) {
      return ending + " The batch was stopped before the run could be judged.";
    }
    if (run.verdict() == Verdict.ERROR) {
      return ending + " The run could not be judged: " + run.errorMessage();
    }
    if (total == 0) {
      // SUCCESS here says only that nothing failed: Cognigy's status has no value for "not judged".
      return ending + " The scenario has no success criteria: nothing was checked.";
    }
    return ending + " " + passed + " of " + total + " success criteria passed.";
  }

  private static String describe(TerminationReason reason) {
    if (reason == null) {
      return "The conversation ended";
    }
    return switch (reason) {
      case USER_STOP -> "The simulated user ended the conversation";
      case AGENT_STOP -> "The agent ended the conversation";
      case MAX_TURNS -> "The conversation reached its maximum number of turns";
      case MAX_EVENTS -> "The conversation reached its maximum number of events";
      case TIMEOUT -> "The conversation timed out";
      case AGENT_ERROR -> "The agent failed";
      case USER_ERROR -> "The simulated user failed";
      case CANCELLED -> "The conversation was stopped";
    };
  }

  private static Map<String, Object> turnData(Turn turn) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("role", turn.role());
    if (turn.latencyMs() != null) {
      data.put("latencyMs", turn.latencyMs());
    }
    if (turn.data() != null && !turn.data().isEmpty()) {
      data.put("payload", turn.data());
    }
    return data;
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }
}
