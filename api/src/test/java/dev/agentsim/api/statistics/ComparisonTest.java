package dev.agentsim.api.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentsim.api.statistics.Comparison.CriterionComparison;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.RunVerdict;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private static final UUID SCENARIO = UUID.randomUUID();
  private static final Map<String, Object> CONFIRMED = Map.of("value", "confirmed");
  private static final Map<String, Object> SHORT = Map.of("max", 3);

  @Test
  void passRatesDifferenceAndCriteriaOfTwoBatchesOfOneScenario() {
    // A: the tea-tasting table's first row, 3 of 4 pass; B: 1 of 4 pass, and one run in ERROR
    List<RunVerdict> a =
        List.of(run(1, true, true), run(2, true, true), run(3, true, true), run(4, false, true));
    List<RunVerdict> b =
        List.of(
            run(1, true, true),
            run(2, false, true),
            run(3, false, false),
            run(4, false, true),
            error(5));

    Comparison comparison = Comparison.of(batch(SCENARIO), a, batch(SCENARIO), b);

    assertThat(comparison.a().statistics().passRate()).isEqualTo(0.75);
    assertThat(comparison.b().statistics().passRate()).isEqualTo(0.25);
    assertThat(comparison.b().statistics().errorRuns()).isEqualTo(1);
    assertThat(comparison.difference().estimate()).isEqualTo(-0.5);
    assertThat(comparison.difference().test()).isEqualTo("fisher-exact");
    assertThat(comparison.difference().pValue()).isCloseTo(0.4857, within(0.00005));
    assertThat(comparison.difference().intervalMethod()).isEqualTo("newcombe-hybrid-score");
    assertThat(comparison.difference().interval().low()).isLessThan(-0.5);
    assertThat(comparison.difference().interval().high()).isBetween(-0.5, 1.0);

    assertThat(comparison.criteria())
        .extracting(CriterionComparison::type)
        .containsExactly("contains", "max_turns");
    CriterionComparison contains = comparison.criteria().get(0);
    assertThat(contains.params()).isEqualTo(CONFIRMED);
    assertThat(contains.a().passes()).isEqualTo(3);
    assertThat(contains.b().passes()).isEqualTo(1);
    assertThat(contains.b().judged()).isEqualTo(4);
    CriterionComparison turns = comparison.criteria().get(1);
    assertThat(turns.a().passRate()).isEqualTo(1.0);
    assertThat(turns.b().passRate()).isEqualTo(0.75);
    assertThat(turns.difference().test()).isEqualTo("fisher-exact");

    assertThat(comparison.differingRuns())
        .extracting(Comparison.DifferingRun::sequence)
        .containsExactly(2, 3);
    assertThat(comparison.differingRuns().get(0).a().verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(comparison.differingRuns().get(0).b().verdict()).isEqualTo(Verdict.FAILED);
    assertThat(comparison.differingNote()).isNull();
  }

  @Test
  void criteriaOfOneBatchOnlyAreNotCompared() {
    List<RunVerdict> a =
        List.of(
            new RunVerdict(
                UUID.randomUUID(),
                1,
                Verdict.SUCCESS,
                List.of(new CriterionResult("contains", Map.of("value", "other"), true, "ok"))));
    List<RunVerdict> b = List.of(run(1, true, true));

    assertThat(Comparison.of(batch(SCENARIO), a, batch(SCENARIO), b).criteria()).isEmpty();
  }

  @Test
  void runsOfDifferentScenariosAreNotPaired() {
    List<RunVerdict> a = List.of(run(1, true, true));
    List<RunVerdict> b = List.of(run(1, false, true));

    Comparison comparison = Comparison.of(batch(SCENARIO), a, batch(UUID.randomUUID()), b);

    assertThat(comparison.differingRuns()).isEmpty();
    assertThat(comparison.differingNote()).contains("different scenarios");
  }

  @Test
  void aBatchWithNothingJudgedHasNoDifference() {
    Comparison comparison =
        Comparison.of(
            batch(SCENARIO), List.of(error(1)), batch(SCENARIO), List.of(run(1, true, true)));

    assertThat(comparison.difference()).isNull();
    assertThat(comparison.a().statistics().passRate()).isNull();
    assertThat(comparison.differingRuns()).hasSize(1);
  }

  private static RunVerdict run(int sequence, boolean confirmed, boolean shortEnough) {
    List<CriterionResult> results = new ArrayList<>();
    results.add(new CriterionResult("contains", CONFIRMED, confirmed, "checked"));
    results.add(new CriterionResult("max_turns", SHORT, shortEnough, "checked"));
    return new RunVerdict(
        UUID.randomUUID(),
        sequence,
        confirmed && shortEnough ? Verdict.SUCCESS : Verdict.FAILED,
        results);
  }

  private static RunVerdict error(int sequence) {
    return new RunVerdict(UUID.randomUUID(), sequence, Verdict.ERROR, List.of());
  }

  private static Batch batch(UUID scenarioId) {
    return new Batch(
        UUID.randomUUID(),
        "p",
        scenarioId,
        UUID.randomUUID(),
        null,
        "batch",
        5,
        BatchStatus.COMPLETED,
        null,
        "native",
        Map.of(),
        null,
        null,
        null,
        null,
        new Batch.Tally(0, 0, 0, 0, 0),
        1,
        false,
        null,
        Map.of(),
        false);
  }
}
