package dev.agentsim.workflows.batch;

/**
 * Adaptive sampling: a batch asks for a precision of its pass rate rather than a number of runs.
 * Its {@link BatchInput#runs()} is then the most runs it may start.
 *
 * <p>The pass rate is taken over the judged runs (SUCCESS and FAILED): a run in ERROR is an
 * infrastructure failure, not the agent's, and says nothing about the pass rate.
 *
 * @param halfWidth the widest half-width of the pass rate's 95% Wilson score interval that is
 *     precise enough, in (0, 0.5]
 * @param minRuns judged runs needed before the interval is looked at, at least 1
 */
public record Precision(double halfWidth, int minRuns) {

  /** The standard normal quantile of 0.975: the interval is two-sided at 95%. */
  static final double Z = 1.959963984540054;

  /** Whether these outcomes pin the pass rate down as precisely as asked. */
  public boolean isReachedBy(RunCounts counts) {
    int judged = counts.succeeded() + counts.failed();
    return judged > 0
        && judged >= minRuns
        && wilsonHalfWidth(counts.succeeded(), judged) <= halfWidth;
  }

  /**
   * Half the width of the 95% Wilson score interval of {@code passes} in {@code n}: unlike the
   * normal approximation it stays honest near 0% and 100%, where agents' pass rates often are.
   */
  static double wilsonHalfWidth(int passes, int n) {
    double p = (double) passes / n;
    double z2 = Z * Z;
    return Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
  }
}
