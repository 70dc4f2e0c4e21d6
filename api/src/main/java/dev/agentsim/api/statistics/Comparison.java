package dev.agentsim.api.statistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.RunVerdict;
import dev.agentsim.workflows.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Batch B against batch A: their pass rates and the difference, per criterion the same, and the
 * runs of the same scenario and sequence whose verdicts differ.
 *
 * @param difference null when either batch judged no run
 * @param criteria the criteria both batches' runs were judged by, matched by type and params, in
 *     A's order
 * @param differingNote why {@code differingRuns} is empty whatever the verdicts; null when runs
 *     were paired
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Comparison(
    Side a,
    Side b,
    Difference difference,
    List<CriterionComparison> criteria,
    List<DifferingRun> differingRuns,
    String differingNote) {

  public record Side(
      UUID batchId, String name, UUID scenarioId, UUID agentId, Statistics statistics) {}

  /**
   * One criterion in both batches: a run passes it when its result for the criterion passed; runs
   * in ERROR have no results and are left out.
   *
   * @param difference null when either batch judged no run by it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CriterionComparison(
      String type, Map<String, Object> params, PassRate a, PassRate b, Difference difference) {}

  public record DifferingRun(int sequence, RunSide a, RunSide b) {}

  public record RunSide(UUID runId, Verdict verdict) {}

  private record CriterionKey(String type, Map<String, Object> params) {}

  private static final class Count {
    int passes;
    int judged;
  }

  public static Comparison of(
      Batch batchA, List<RunVerdict> runsA, Batch batchB, List<RunVerdict> runsB) {
    Side a = side(batchA, runsA);
    Side b = side(batchB, runsB);
    Difference difference = Difference.of(rate(a.statistics()), rate(b.statistics()));
    boolean paired = Objects.equals(batchA.scenarioId(), batchB.scenarioId());
    return new Comparison(
        a,
        b,
        difference,
        criteria(runsA, runsB),
        paired ? differing(runsA, runsB) : List.of(),
        paired
            ? null
            : "The batches ran different scenarios, so their runs are not paired by sequence");
  }

  private static Side side(Batch batch, List<RunVerdict> runs) {
    Map<Verdict, Long> verdicts =
        runs.stream()
            .filter(run -> run.verdict() != null)
            .collect(Collectors.groupingBy(RunVerdict::verdict, Collectors.counting()));
    Statistics statistics =
        Statistics.of(
            verdicts.getOrDefault(Verdict.SUCCESS, 0L).intValue(),
            verdicts.getOrDefault(Verdict.FAILED, 0L).intValue(),
            verdicts.getOrDefault(Verdict.ERROR, 0L).intValue());
    return new Side(batch.id(), batch.name(), batch.scenarioId(), batch.agentId(), statistics);
  }

  private static PassRate rate(Statistics statistics) {
    return PassRate.of(statistics.passes(), statistics.judgedRuns());
  }

  private static List<CriterionComparison> criteria(
      List<RunVerdict> runsA, List<RunVerdict> runsB) {
    Map<CriterionKey, Count> countsA = criterionCounts(runsA);
    Map<CriterionKey, Count> countsB = criterionCounts(runsB);
    List<CriterionComparison> criteria = new ArrayList<>();
    countsA.forEach(
        (key, countA) -> {
          Count countB = countsB.get(key);
          if (countB != null) {
            PassRate a = PassRate.of(countA.passes, countA.judged);
            PassRate b = PassRate.of(countB.passes, countB.judged);
            criteria.add(
                new CriterionComparison(key.type(), key.params(), a, b, Difference.of(a, b)));
          }
        });
    return criteria;
  }

  private static Map<CriterionKey, Count> criterionCounts(List<RunVerdict> runs) {
    Map<CriterionKey, Count> counts = new LinkedHashMap<>();
    for (RunVerdict run : runs) {
      if (run.verdict() == Verdict.SUCCESS || run.verdict() == Verdict.FAILED) {
        for (CriterionResult result : run.results()) {
          Count count =
              counts.computeIfAbsent(
                  new CriterionKey(
                      result.type(), result.params() == null ? Map.of() : result.params()),
                  key -> new Count());
          count.judged++;
          count.passes += result.passed() ? 1 : 0;
        }
      }
    }
    return counts;
  }

  private static List<DifferingRun> differing(List<RunVerdict> runsA, List<RunVerdict> runsB) {
    Map<Integer, RunVerdict> bySequence =
        runsB.stream().collect(Collectors.toMap(RunVerdict::sequence, Function.identity()));
    List<DifferingRun> differing = new ArrayList<>();
    for (RunVerdict a : runsA) {
      RunVerdict b = bySequence.get(a.sequence());
      if (a.verdict() != null && b != null && b.verdict() != null && a.verdict() != b.verdict()) {
        differing.add(
            new DifferingRun(
                a.sequence(), new RunSide(a.id(), a.verdict()), new RunSide(b.id(), b.verdict())));
      }
    }
    return differing;
  }
}
