package dev.agentsim.api.statistics;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.FisherExactTest;

/**
 * Estimates and tests on pass counts, at 95% confidence. The distributions and Fisher's test come
 * from Apache Commons Statistics; the interval formulas are arithmetic on its normal quantile.
 */
public final class Proportions {

  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

  /** The two-sided 95% quantile, 1.959964. */
  private static final double Z = STANDARD_NORMAL.inverseSurvivalProbability(0.025);

  /**
   * Below this expected count in any cell the normal approximation is not trusted (Cochran's rule).
   */
  private static final double MIN_EXPECTED_COUNT = 5;

  public static final String FISHER_EXACT = "fisher-exact";
  public static final String TWO_PROPORTION_Z = "two-proportion-z";
  public static final String NEWCOMBE_HYBRID_SCORE = "newcombe-hybrid-score";

  private Proportions() {}

  /** A 95% confidence interval. */
  public record Interval(double low, double high) {}

  /**
   * A two-sided test's p-value and which test gave it: {@link #FISHER_EXACT} or {@link
   * #TWO_PROPORTION_Z}.
   */
  public record Test(String name, double pValue) {}

  /**
   * The Wilson score interval of {@code passes} out of {@code n}: unlike the normal approximation
   * it stays inside [0, 1] and is not empty at 0 or n passes.
   */
  public static Interval wilson(int passes, int n) {
    requireCounts(passes, n);
    double p = (double) passes / n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double halfWidth = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, centre - halfWidth), Math.min(1, centre + halfWidth));
  }

  /**
   * pass^k, the chance that k tries all pass, estimated without bias from {@code passes} out of
   * {@code n} tries as τ²-bench does: C(passes, k) / C(n, k), computed as the product of (passes −
   * i) / (n − i) for i below k, which is the same ratio without its large factorials.
   */
  public static double passHatK(int passes, int n, int k) {
    requireCounts(passes, n);
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be between 1 and n, was " + k);
    }
    double estimate = 1;
    for (int i = 0; i < k; i++) {
      estimate *= (double) (passes - i) / (n - i);
    }
    return Math.max(0, estimate);
  }

  /**
   * A 95% interval of the difference pB − pA by Newcombe's hybrid score method (his method 10,
   * 1998), from the two Wilson intervals.
   */
  public static Interval newcombe(int passesA, int nA, int passesB, int nB) {
    double pA = (double) passesA / nA;
    double pB = (double) passesB / nB;
    Interval a = wilson(passesA, nA);
    Interval b = wilson(passesB, nB);
    double difference = pB - pA;
    return new Interval(
        difference - Math.sqrt(square(pB - b.low()) + square(a.high() - pA)),
        difference + Math.sqrt(square(b.high() - pB) + square(pA - a.low())));
  }

  /**
   * Whether the pass rates of A and B differ, two-sided: Fisher's exact test when a cell of the 2×2
   * table is expected to hold fewer than 5 runs, else the pooled two-proportion z-test.
   */
  public static Test test(int passesA, int nA, int passesB, int nB) {
    requireCounts(passesA, nA);
    requireCounts(passesB, nB);
    int passes = passesA + passesB;
    int total = nA + nB;
    double smallestExpected = (double) Math.min(nA, nB) * Math.min(passes, total - passes) / total;
    if (smallestExpected < MIN_EXPECTED_COUNT) {
      return new Test(FISHER_EXACT, fisher(passesA, nA, passesB, nB));
    }
    double pooled = (double) passes / total;
    double z =
        ((double) passesB / nB - (double) passesA / nA)
            / Math.sqrt(pooled * (1 - pooled) * (1.0 / nA + 1.0 / nB));
    return new Test(
        TWO_PROPORTION_Z, Math.min(1, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z))));
  }

  /** Fisher's exact test, two-sided, of the 2×2 table of passes and failures. */
  static double fisher(int passesA, int nA, int passesB, int nB) {
    int[][] table = {{passesA, nA - passesA}, {passesB, nB - passesB}};
    return FisherExactTest.withDefaults().test(table).getPValue();
  }

  private static void requireCounts(int passes, int n) {
    if (n < 1 || passes < 0 || passes > n) {
      throw new IllegalArgumentException(
          "need 0 <= passes <= n and n >= 1, was " + passes + " of " + n);
    }
  }

  private static double square(double x) {
    return x * x;
  }
}
