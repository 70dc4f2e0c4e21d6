package dev.agentsim.api.viewer;

import dev.agentsim.api.batch.BatchResponse;
import dev.agentsim.api.batch.BatchViews;
import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.batch.UsageView;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.statistics.Comparison;
import dev.agentsim.api.statistics.PassRate;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.Named;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.run.RunVerdict;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.batch.BatchWorkflow;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the results viewer's pages show, read through the same services as the native API: a page
 * shows what {@code GET /v1/batches}, {@code /v1/batches/{id}}, {@code /v1/runs/{id}} and {@code
 * /v1/batches/compare} answer, arranged for reading.
 */
@Component
class ViewerPages {

  /** The newest batches the list shows. */
  static final int BATCHES_SHOWN = 100;

  /** The most runs a batch page reads; its counters and pass rate count them all. */
  static final int RUNS_SHOWN = 1000;

  private static final int NAMES_READ = 500;

  /** Upper bounds of the agent latency buckets, in milliseconds. */
  private static final long[] LATENCY_BUCKETS = {100, 250, 500, 1_000, 2_000, 5_000, 10_000};

  private final Batches batches;
  private final BatchViews views;
  private final DefinitionRepository definitions;
  private final JsonMapper json;
  private final String temporalUi;

  ViewerPages(
      Batches batches,
      BatchViews views,
      DefinitionRepository definitions,
      JsonMapper json,
      SimulatorSettings settings) {
    this.batches = batches;
    this.views = views;
    this.definitions = definitions;
    this.json = json;
    String url = settings.temporalUiUrl().strip();
    this.temporalUi = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The batches list's filters as the query gives them; blank is no filter. */
  record BatchFilter(String status, String scenarioId, String agentId, String label) {}

  record Option(String value, String label) {}

  record BatchRow(
      BatchResponse batch,
      String scenario,
      String agent,
      Integer revision,
      int finished,
      int percent,
      String cost,
      String duration,
      boolean live) {}

  record BatchesPage(
      String projectId,
      BatchFilter filter,
      List<BatchRow> rows,
      List<Option> scenarios,
      List<Option> agents,
      List<Option> statuses,
      boolean live,
      int shown) {}

  /** One row of a table a chart is drawn from. */
  record Bar(String label, Number value, String detail) {}

  record RunRow(
      UUID id,
      int sequence,
      String verdict,
      String status,
      String termination,
      int turns,
      Long meanLatencyMs,
      BigDecimal cost,
      long durationMs) {}

  record RunFilter(String verdict, String termination, String sort, String direction) {}

  record BatchPage(
      BatchResponse batch,
      BatchRow row,
      List<Bar> outcomes,
      List<Bar> latencies,
      List<CriterionRate> criteria,
      Map<String, UsageView> usage,
      List<RunRow> runs,
      int runCount,
      RunFilter filter,
      List<String> terminations,
      String temporalLink,
      boolean stoppable,
      boolean rejudgeable) {}

  record CriterionRate(String criterion, PassRate rate) {}

  record Message(
      int number,
      String role,
      String text,
      Integer latencyMs,
      String tool,
      String arguments,
      String result,
      String error,
      String data,
      boolean cited) {}

  record Judged(
      String criterion, boolean passed, String reason, Double confidence, List<Integer> turns) {}

  record EvaluationRow(
      int number,
      String verdict,
      long passed,
      int total,
      String sentiment,
      String summary,
      String error) {}

  record RunPage(
      BatchResponse batch,
      String scenario,
      String agent,
      Integer revision,
      Run run,
      List<Message> messages,
      List<Judged> criteria,
      List<EvaluationRow> evaluations,
      Map<String, UsageView> usage,
      String temporalLink,
      long durationMs) {}

  /**
   * @param criterionLabels the comparison's criteria as the page names them, in its order
   */
  record ComparePage(
      String projectId,
      UUID a,
      UUID b,
      List<Option> choices,
      Comparison comparison,
      List<String> criterionLabels,
      boolean significant) {}

  BatchesPage batches(String projectId, BatchFilter filter) {
    Map<UUID, String> scenarios = names(projectId, Kind.SCENARIO, ScenarioSpec.class);
    Map<UUID, String> agents = names(projectId, Kind.AGENT, AgentSpec.class);
    List<Batch> found =
        batches.list(
            new BatchRepository.Query(
                projectId,
                status(filter.status()),
                id("scenarioId", filter.scenarioId()),
                id("agentId", filter.agentId()),
                label(filter.label()),
                null,
                BATCHES_SHOWN));
    List<BatchRow> rows = found.stream().map(batch -> row(batch, scenarios, agents)).toList();
    List<Option> statuses =
        Arrays.stream(BatchStatus.values())
            .map(status -> new Option(status.wire(), status.wire()))
            .toList();
    return new BatchesPage(
        projectId,
        filter,
        rows,
        options(scenarios),
        options(agents),
        statuses,
        rows.stream().anyMatch(BatchRow::live),
        BATCHES_SHOWN);
  }

  BatchPage batch(String projectId, UUID batchId, RunFilter filter) {
    Batch batch = find(projectId, batchId);
    BatchRow row =
        row(
            batch,
            names(projectId, Kind.SCENARIO, ScenarioSpec.class),
            names(projectId, Kind.AGENT, AgentSpec.class));
    BatchResponse view = row.batch();
    String verdict = runStatus(filter.verdict());
    List<Batches.RunUsage> runs =
        batches.runs(batch, verdict, RunSort.SEQUENCE, true, RUNS_SHOWN, 0);
    List<RunRow> rows =
        runs.stream()
            .map(ViewerPages::runRow)
            .filter(
                run ->
                    blank(filter.termination()) || filter.termination().equals(run.termination()))
            .sorted(order(filter.sort(), filter.direction()))
            .toList();
    List<String> terminations =
        runs.stream()
            .map(run -> run.run().terminationReason())
            .filter(Objects::nonNull)
            .map(Enum::name)
            .distinct()
            .sorted()
            .toList();
    List<Bar> outcomes =
        List.of(
            new Bar("Succeeded", view.succeededRuns(), null),
            new Bar("Failed", view.failedRuns(), null),
            new Bar("Error", view.erroredRuns(), null),
            new Bar("Stopped", view.stoppedRuns(), null),
            new Bar("Running", view.runningRuns(), null));
    BatchStatus status = batch.status();
    return new BatchPage(
        view,
        row,
        outcomes,
        latencies(runs),
        criteria(batches.verdicts(batch)),
        view.usage(),
        rows,
        batches.countRuns(batch, verdict),
        filter,
        terminations,
        link(BatchWorkflow.workflowId(batch.id().toString())),
        !status.isFinal(),
        status.isFinal() && !batch.rejudging());
  }

  RunPage run(String projectId, UUID runId) {
    Batches.BatchRun found =
        batches
            .run(projectId, runId)
            .orElseThrow(() -> new NotFound("Run " + runId + " not found"));
    Batch batch = found.batch();
    Run run = found.run().run();
    Set<Integer> cited =
        run.results().stream()
            .filter(result -> result.turns() != null)
            .flatMap(result -> result.turns().stream())
            .collect(Collectors.toSet());
    List<Message> messages =
        run.turns().stream()
            .map(turn -> message(turn, cited.contains(turn.sequence() + 1)))
            .toList();
    List<Judged> criteria =
        run.results().stream()
            .map(
                result ->
                    new Judged(
                        criterion(result),
                        result.passed(),
                        result.reason(),
                        result.confidence(),
                        result.turns() == null ? List.of() : result.turns()))
            .toList();
    List<Evaluation> history = batches.evaluations(run);
    List<EvaluationRow> evaluations = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Evaluation evaluation = history.get(i);
      evaluations.add(
          new EvaluationRow(
              i + 1,
              evaluation.verdict().name(),
              evaluation.results().stream().filter(CriterionResult::passed).count(),
              evaluation.results().size(),
              evaluation.sentiment(),
              evaluation.summary(),
              evaluation.errorMessage()));
    }
    Instant end = run.completedAt() == null ? Instant.now() : run.completedAt();
    return new RunPage(
        views.of(batch),
        name(projectId, Kind.SCENARIO, ScenarioSpec.class, batch.scenarioId()),
        name(projectId, Kind.AGENT, AgentSpec.class, batch.agentId()),
        batches.agentRevision(batch).map(AgentRevision::number).orElse(null),
        run,
        messages,
        criteria,
        evaluations,
        UsageView.of(found.run().usage()),
        link(BatchWorkflow.runWorkflowId(batch.id().toString(), run.sequence())),
        Duration.between(run.createdAt(), end).toMillis());
  }

  /** The comparison of two batches; without both, only the batches to choose from. */
  ComparePage compare(String projectId, String a, String b) {
    List<Option> choices =
        batches
            .list(
                new BatchRepository.Query(
                    projectId, null, null, null, Map.of(), null, BATCHES_SHOWN))
            .stream()
            .map(
                batch ->
                    new Option(
                        batch.id().toString(),
                        batch.name()
                            + " · "
                            + batch.createdAt().toString().substring(0, 16).replace('T', ' ')
                            + " · "
                            + batch.id().toString().substring(0, 8)))
            .toList();
    UUID idA = id("a", a);
    UUID idB = id("b", b);
    if (idA == null || idB == null) {
      return new ComparePage(projectId, idA, idB, choices, null, List.of(), false);
    }
    if (idA.equals(idB)) {
      throw new FieldError("b", "INVALID_VALUE", "b must be another batch than a");
    }
    Batch batchA = find(projectId, idA);
    Batch batchB = find(projectId, idB);
    Comparison comparison =
        Comparison.of(batchA, batches.verdicts(batchA), batchB, batches.verdicts(batchB));
    return new ComparePage(
        projectId,
        idA,
        idB,
        choices,
        comparison,
        comparison.criteria().stream()
            .map(criterion -> criterion(criterion.type(), criterion.params()))
            .toList(),
        comparison.difference() != null && comparison.difference().pValue() < 0.05);
  }

  Batch find(String projectId, UUID batchId) {
    return batches
        .find(projectId, batchId)
        .orElseThrow(() -> new NotFound("Batch " + batchId + " not found"));
  }

  private BatchRow row(Batch batch, Map<UUID, String> scenarios, Map<UUID, String> agents) {
    BatchResponse view = views.of(batch);
    int finished = batch.tally().finished();
    int percent = batch.runs() == 0 ? 0 : Math.min(100, finished * 100 / batch.runs());
    UsageView total = view.usage().get("total");
    Instant end = batch.completedAt() == null ? Instant.now() : batch.completedAt();
    String duration =
        batch.startedAt() == null ? null : duration(Duration.between(batch.startedAt(), end));
    return new BatchRow(
        view,
        scenarios.getOrDefault(batch.scenarioId(), String.valueOf(batch.scenarioId())),
        agents.getOrDefault(batch.agentId(), String.valueOf(batch.agentId())),
        batches.agentRevision(batch).map(AgentRevision::number).orElse(null),
        finished,
        percent,
        total == null || total.cost() == null ? null : total.cost().toPlainString(),
        duration,
        !batch.status().isFinal() || batch.rejudging());
  }

  private static RunRow runRow(Batches.RunUsage usage) {
    Run run = usage.run();
    List<Integer> latencies =
        run.turns().stream()
            .filter(turn -> Turn.AGENT.equals(turn.role()) && turn.latencyMs() != null)
            .map(Turn::latencyMs)
            .toList();
    Long mean =
        latencies.isEmpty()
            ? null
            : Math.round(latencies.stream().mapToInt(Integer::intValue).average().orElse(0));
    Instant end = run.completedAt() == null ? Instant.now() : run.completedAt();
    return new RunRow(
        run.id(),
        run.sequence() + 1,
        run.verdict() == null ? null : run.verdict().name(),
        run.status().name(),
        run.terminationReason() == null ? null : run.terminationReason().name(),
        run.turns().size(),
        mean,
        usage.usage().total().cost(),
        Duration.between(run.createdAt(), end).toMillis());
  }

  private static Comparator<RunRow> order(String sort, String direction) {
    Comparator<RunRow> order =
        switch (blank(sort) ? "sequence" : sort) {
          case "sequence" -> Comparator.comparingInt(RunRow::sequence);
          case "verdict" ->
              Comparator.comparing(
                  RunRow::verdict, Comparator.nullsLast(Comparator.naturalOrder()));
          case "termination" ->
              Comparator.comparing(
                  RunRow::termination, Comparator.nullsLast(Comparator.naturalOrder()));
          case "turns" -> Comparator.comparingInt(RunRow::turns);
          case "latency" ->
              Comparator.comparing(
                  RunRow::meanLatencyMs, Comparator.nullsLast(Comparator.naturalOrder()));
          case "cost" ->
              Comparator.comparing(RunRow::cost, Comparator.nullsLast(Comparator.naturalOrder()));
          case "duration" -> Comparator.comparingLong(RunRow::durationMs);
          default ->
              throw new FieldError(
                  "sort",
                  "INVALID_VALUE",
                  "sort must be one of sequence, verdict, termination, turns, latency, cost, duration");
        };
    if (blank(direction) || direction.equals("asc")) {
      return order;
    }
    if (direction.equals("desc")) {
      return order.reversed();
    }
    throw new FieldError("direction", "INVALID_VALUE", "direction must be asc or desc");
  }

  private static List<Bar> latencies(List<Batches.RunUsage> runs) {
    long[] counts = new long[LATENCY_BUCKETS.length + 1];
    runs.stream()
        .flatMap(run -> run.run().turns().stream())
        .filter(turn -> Turn.AGENT.equals(turn.role()) && turn.latencyMs() != null)
        .forEach(
            turn -> {
              int bucket = 0;
              while (bucket < LATENCY_BUCKETS.length
                  && turn.latencyMs() >= LATENCY_BUCKETS[bucket]) {
                bucket++;
              }
              counts[bucket]++;
            });
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      String label =
          i == 0
              ? "< " + millis(LATENCY_BUCKETS[0])
              : i == LATENCY_BUCKETS.length
                  ? "≥ " + millis(LATENCY_BUCKETS[i - 1])
                  : millis(LATENCY_BUCKETS[i - 1]) + " – " + millis(LATENCY_BUCKETS[i]);
      bars.add(new Bar(label, counts[i], null));
    }
    return bars;
  }

  /** Each criterion's pass rate over the runs judged by it, as the comparison counts them. */
  private static List<CriterionRate> criteria(List<RunVerdict> runs) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (RunVerdict run : runs) {
      if (run.verdict() == Verdict.SUCCESS || run.verdict() == Verdict.FAILED) {
        for (CriterionResult result : run.results()) {
          int[] count = counts.computeIfAbsent(criterion(result), key -> new int[2]);
          count[0] += result.passed() ? 1 : 0;
          count[1]++;
        }
      }
    }
    return counts.entrySet().stream()
        .map(
            entry ->
                new CriterionRate(
                    entry.getKey(), PassRate.of(entry.getValue()[0], entry.getValue()[1])))
        .toList();
  }

  private static String criterion(CriterionResult result) {
    return criterion(result.type(), result.params());
  }

  private static String criterion(String type, Map<String, Object> params) {
    if (params == null || params.isEmpty()) {
      return type;
    }
    return type
        + ": "
        + params.entrySet().stream()
            .map(entry -> entry.getKey() + "=" + entry.getValue())
            .collect(Collectors.joining(", "));
  }

  private Message message(Turn turn, boolean cited) {
    Map<String, Object> data = turn.data() == null ? Map.of() : turn.data();
    if (Turn.TOOL.equals(turn.role())) {
      return new Message(
          turn.sequence() + 1,
          turn.role(),
          turn.text(),
          turn.latencyMs(),
          String.valueOf(data.get("name")),
          pretty(data.get("arguments")),
          data.containsKey("result") ? pretty(data.get("result")) : null,
          data.get("error") == null ? null : String.valueOf(data.get("error")),
          null,
          cited);
    }
    return new Message(
        turn.sequence() + 1,
        turn.role(),
        turn.text(),
        turn.latencyMs(),
        null,
        null,
        null,
        null,
        data.isEmpty() ? null : pretty(data),
        cited);
  }

  private String pretty(Object value) {
    return value == null ? null : json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
  }

  private String link(String workflowId) {
    return temporalUi.isEmpty()
        ? null
        : temporalUi + "/workflows/" + URLEncoder.encode(workflowId, StandardCharsets.UTF_8);
  }

  private <T> Map<UUID, String> names(String projectId, Kind kind, Class<T> type) {
    return definitions.list(projectId, kind, type, NAMES_READ, 0).stream()
        .collect(
            Collectors.toMap(
                Stored::id,
                stored -> ((Named) stored.spec()).name(),
                (first, second) -> first,
                LinkedHashMap::new));
  }

  private <T> String name(String projectId, Kind kind, Class<T> type, UUID id) {
    return id == null
        ? null
        : definitions
            .find(projectId, kind, id, type)
            .map(stored -> ((Named) stored.spec()).name())
            .orElse(id.toString());
  }

  private static List<Option> options(Map<UUID, String> names) {
    return names.entrySet().stream()
        .map(entry -> new Option(entry.getKey().toString(), entry.getValue()))
        .sorted(Comparator.comparing(Option::label, String.CASE_INSENSITIVE_ORDER))
        .toList();
  }

  private static BatchStatus status(String status) {
    if (blank(status)) {
      return null;
    }
    try {
      return BatchStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new FieldError(
          "status",
          "INVALID_VALUE",
          "status must be pending, running, completed, failed or stopped");
    }
  }

  private static String runStatus(String verdict) {
    if (blank(verdict)) {
      return null;
    }
    String value = verdict.strip().toUpperCase(Locale.ROOT);
    if (!List.of("SUCCESS", "FAILED", "ERROR", "RUNNING", "STOPPED").contains(value)) {
      throw new FieldError(
          "verdict", "INVALID_VALUE", "verdict must be SUCCESS, FAILED, ERROR, RUNNING or STOPPED");
    }
    return value;
  }

  private static UUID id(String field, String value) {
    if (blank(value)) {
      return null;
    }
    try {
      return UUID.fromString(value.strip());
    } catch (IllegalArgumentException e) {
      throw new FieldError(field, "INVALID_TYPE", field + " is not a valid UUID");
    }
  }

  private static Map<String, String> label(String label) {
    if (blank(label)) {
      return Map.of();
    }
    int colon = label.indexOf(':');
    if (colon < 1) {
      throw new FieldError("label", "INVALID_VALUE", "label must be key:value");
    }
    return Map.of(label.substring(0, colon).strip(), label.substring(colon + 1).strip());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String millis(long ms) {
    return ms < 1_000 ? ms + " ms" : (ms / 1_000) + " s";
  }

  private static String duration(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
    return seconds < 3600
        ? "%d min %d s".formatted(seconds / 60, seconds % 60)
        : "%d h %d min".formatted(seconds / 3600, seconds % 3600 / 60);
  }
}
