package dev.agentsim.api.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentsim.api.statistics.Proportions.Interval;
import dev.agentsim.api.statistics.Proportions.Test;
import org.assertj.core.data.Offset;

/**
 * Against published values: Newcombe, "Two-sided confidence intervals for the single proportion"
 * and "Interval estimation for the difference between independent proportions", Statistics in
 * Medicine 17 (1998) 857–872 and 873–890; Fisher's tea tasting; R's fisher.test and prop.test.
 */
class ProportionsTest {

  private static final Offset<Double> FOUR_PLACES = within(0.00005);

  @org.junit.jupiter.api.Test
  void wilsonIntervalsOfKnownCases() {
    assertInterval(Proportions.wilson(8, 10), 0.4902, 0.9433);
    assertInterval(Proportions.wilson(0, 10), 0.0, 0.2775);
    assertInterval(Proportions.wilson(10, 10), 0.7225, 1.0);
    // Newcombe (1998, single proportion), table I: 81/263
    assertInterval(Proportions.wilson(81, 263), 0.2553, 0.3662);
    // Newcombe (1998, single proportion), table I: 15/148
    assertInterval(Proportions.wilson(15, 148), 0.0624, 0.1605);
  }

  @org.junit.jupiter.api.Test
  void passHatKIsTheUnbiasedEstimatorOnHandCheckedCases() {
    // C(3,k)/C(5,k): 3/5, 3/10, 1/10, 0/5
    assertThat(Proportions.passHatK(3, 5, 1)).isCloseTo(0.6, within(1e-12));
    assertThat(Proportions.passHatK(3, 5, 2)).isCloseTo(0.3, within(1e-12));
    assertThat(Proportions.passHatK(3, 5, 3)).isCloseTo(0.1, within(1e-12));
    assertThat(Proportions.passHatK(3, 5, 4)).isZero();
    assertThat(Proportions.passHatK(3, 5, 5)).isZero();
    // C(8,4)/C(10,4) = 70/210
    assertThat(Proportions.passHatK(8, 10, 4)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(Proportions.passHatK(10, 10, 8)).isEqualTo(1.0);
    assertThat(Proportions.passHatK(0, 10, 1)).isZero();
  }

  @org.junit.jupiter.api.Test
  void fisherExactTestOfKnownTables() {
    // Fisher's lady tasting tea: [[3, 1], [1, 3]]
    assertTest(Proportions.test(3, 4, 1, 4), Proportions.FISHER_EXACT, 0.4857);
    // [[1, 9], [11, 3]], R's fisher.test: 0.002759; its smallest expected count is 5, so compare's
    // choice for it would be the z-test
    assertThat(Proportions.fisher(1, 10, 11, 14)).isCloseTo(0.002759, within(0.0000005));
    assertThat(Proportions.test(1, 10, 11, 14).name()).isEqualTo(Proportions.TWO_PROPORTION_Z);
  }

  @org.junit.jupiter.api.Test
  void largeCountsUseTheTwoProportionZTest() {
    // 56/70 against 48/80: pooled 104/150, z = 2.6500, two-sided p = 0.00805 (R: prop.test(correct
    // = FALSE))
    Test test = Proportions.test(56, 70, 48, 80);
    assertThat(test.name()).isEqualTo(Proportions.TWO_PROPORTION_Z);
    assertThat(test.pValue()).isCloseTo(0.00805, within(0.000005));
    // 50/100 against 50/100: no difference at all
    assertTest(Proportions.test(50, 100, 50, 100), Proportions.TWO_PROPORTION_Z, 1.0);
  }

  @org.junit.jupiter.api.Test
  void anExpectedCountBelowFiveChoosesFisher() {
    // 19/20 against 20/20: 1 failure expected in each row
    assertThat(Proportions.test(19, 20, 20, 20).name()).isEqualTo(Proportions.FISHER_EXACT);
    assertThat(Proportions.test(19, 20, 20, 20).pValue()).isCloseTo(1.0, FOUR_PLACES);
  }

  @org.junit.jupiter.api.Test
  void newcombeHybridScoreIntervalsOfHisTableII() {
    // Newcombe (1998, difference), table II, method 10, for θ = p1 − p2; ours is B − A, so A is his
    // second sample
    assertInterval(Proportions.newcombe(48, 80, 56, 70), 0.0524, 0.3339);
    assertInterval(Proportions.newcombe(3, 10, 9, 10), 0.1705, 0.8090);
    assertInterval(Proportions.newcombe(0, 29, 5, 56), -0.0381, 0.1926);
    assertInterval(Proportions.newcombe(0, 20, 0, 10), -0.1611, 0.2775);
  }

  private static void assertInterval(Interval interval, double low, double high) {
    assertThat(interval.low()).as("low").isCloseTo(low, FOUR_PLACES);
    assertThat(interval.high()).as("high").isCloseTo(high, FOUR_PLACES);
  }

  private static void assertTest(Test test, String name, double pValue) {
    assertThat(test.name()).isEqualTo(name);
    assertThat(test.pValue()).isCloseTo(pValue, FOUR_PLACES);
  }
}
