package dev.agentsim.api.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentsim.api.statistics.Statistics.PassHatK;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void errorsAreReportedApartAndLeftOutOfTheRateAndPassHatK() {
    Statistics statistics = Statistics.of(3, 2, 4);

    assertThat(statistics.judgedRuns()).isEqualTo(5);
    assertThat(statistics.passes()).isEqualTo(3);
    assertThat(statistics.errorRuns()).isEqualTo(4);
    assertThat(statistics.passRate()).isEqualTo(0.6);
    assertThat(statistics.passHatK()).extracting(PassHatK::k).containsExactly(1, 2, 3, 4, 5);
    assertThat(statistics.passHatK())
        .extracting(PassHatK::estimate)
        .usingElementComparator((x, y) -> Math.abs(x - y) < 1e-12 ? 0 : Double.compare(x, y))
        .containsExactly(0.6, 0.3, 0.1, 0.0, 0.0);
  }

  @Test
  void passHatKStopsAtEight() {
    Statistics statistics = Statistics.of(8, 2, 0);

    assertThat(statistics.interval().low()).isCloseTo(0.4902, within(0.00005));
    assertThat(statistics.interval().high()).isCloseTo(0.9433, within(0.00005));
    assertThat(statistics.passHatK()).hasSize(8);
    assertThat(statistics.passHatK().get(7).estimate()).isCloseTo(1.0 / 45, within(1e-12));
  }

  @Test
  void nothingJudgedHasNoRate() {
    Statistics statistics = Statistics.of(0, 0, 3);

    assertThat(statistics.passRate()).isNull();
    assertThat(statistics.interval()).isNull();
    assertThat(statistics.passHatK()).isEmpty();
    assertThat(statistics.errorRuns()).isEqualTo(3);
  }
}
