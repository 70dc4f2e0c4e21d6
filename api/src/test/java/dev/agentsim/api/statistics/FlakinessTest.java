package dev.agentsim.api.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentsim.store.run.RevisionVerdicts;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlakinessTest {

  @Test
  void disagreementIsTheShareOfRunPairsWhoseVerdictsDiffer() {
    // 3 passes of 5: of the 10 pairs, 3 × 2 = 6 disagree
    assertThat(Flakiness.disagreementRate(3, 5)).isCloseTo(0.6, within(1e-12));
    assertThat(Flakiness.disagreementRate(1, 2)).isEqualTo(1.0);
    assertThat(Flakiness.disagreementRate(5, 5)).isZero();
    assertThat(Flakiness.disagreementRate(0, 5)).isZero();
    assertThat(Flakiness.disagreementRate(1, 1)).isNull();
  }

  @Test
  void aScenarioIsFlakyWhenRunsOfOneRevisionDisagree() {
    UUID agent = UUID.randomUUID();
    UUID steady = UUID.randomUUID();
    UUID shaky = UUID.randomUUID();

    Flakiness flakiness =
        Flakiness.of(
            UUID.randomUUID(),
            List.of(
                new RevisionVerdicts(agent, steady, 2, 4, 0, 1),
                new RevisionVerdicts(agent, shaky, 1, 3, 2, 0)));

    assertThat(flakiness.flaky()).isTrue();
    assertThat(flakiness.revisions().get(0).flaky()).isFalse();
    assertThat(flakiness.revisions().get(0).disagreementRate()).isZero();
    assertThat(flakiness.revisions().get(0).errorRuns()).isEqualTo(1);
    assertThat(flakiness.revisions().get(1).flaky()).isTrue();
    assertThat(flakiness.revisions().get(1).judgedRuns()).isEqualTo(5);
    assertThat(flakiness.revisions().get(1).disagreementRate()).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void aScenarioWhoseRunsAgreeIsNotFlaky() {
    Flakiness flakiness =
        Flakiness.of(
            UUID.randomUUID(),
            List.of(new RevisionVerdicts(UUID.randomUUID(), UUID.randomUUID(), 1, 0, 3, 0)));

    assertThat(flakiness.flaky()).isFalse();
  }
}
