package dev.agentsim.api.statistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.statistics.Proportions.Interval;

/**
 * Passes out of judged runs, with the pass rate's 95% Wilson interval.
 *
 * @param passRate null when nothing was judged, and so is {@code interval}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PassRate(int judged, int passes, Double passRate, Interval interval) {

  public static PassRate of(int passes, int judged) {
    return judged == 0
        ? new PassRate(0, 0, null, null)
        : new PassRate(
            judged, passes, (double) passes / judged, Proportions.wilson(passes, judged));
  }
}
