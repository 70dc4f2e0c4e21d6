package dev.agentsim.api.statistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.statistics.Proportions.Interval;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How sure a batch's result is. Runs in ERROR are counted apart and left out of everything else: an
 * agent or a judge that could not be reached is not the agent failing its task.
 *
 * @param judgedRuns runs judged SUCCESS or FAILED
 * @param passes runs judged SUCCESS
 * @param errorRuns runs in ERROR
 * @param passRate passes / judged runs; null when none was judged, and so is {@code interval}
 * @param interval the pass rate's 95% Wilson score interval
 * @param passHatK pass^k for k = 1 to min(judged runs, 8)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Statistics(
    int judgedRuns,
    int passes,
    int errorRuns,
    Double passRate,
    Interval interval,
    List<PassHatK> passHatK) {

  static final int MAX_K = 8;

  /** The estimated chance that k runs of the batch's scenario all pass. */
  public record PassHatK(int k, double estimate) {}

  public static Statistics of(int passes, int failures, int errors) {
    PassRate rate = PassRate.of(passes, passes + failures);
    List<PassHatK> passHatK =
        IntStream.rangeClosed(1, Math.min(rate.judged(), MAX_K))
            .mapToObj(k -> new PassHatK(k, Proportions.passHatK(passes, rate.judged(), k)))
            .toList();
    return new Statistics(
        rate.judged(), passes, errors, rate.passRate(), rate.interval(), passHatK);
  }
}
