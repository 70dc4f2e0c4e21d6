package dev.agentsim.api.statistics;

import dev.agentsim.api.statistics.Proportions.Interval;

/**
 * How B's pass rate differs from A's.
 *
 * @param estimate pB − pA
 * @param interval its 95% interval, by {@code intervalMethod}
 * @param pValue two-sided, of the hypothesis that the two rates are equal
 * @param test which test gave {@code pValue}: {@code fisher-exact} or {@code two-proportion-z}
 */
public record Difference(
    double estimate, Interval interval, String intervalMethod, double pValue, String test) {

  /** The difference of two pass rates; null when either side judged nothing. */
  public static Difference of(PassRate a, PassRate b) {
    if (a.judged() == 0 || b.judged() == 0) {
      return null;
    }
    Proportions.Test test = Proportions.test(a.passes(), a.judged(), b.passes(), b.judged());
    return new Difference(
        b.passRate() - a.passRate(),
        Proportions.newcombe(a.passes(), a.judged(), b.passes(), b.judged()),
        Proportions.NEWCOMBE_HYBRID_SCORE,
        test.pValue(),
        test.name());
  }
}
