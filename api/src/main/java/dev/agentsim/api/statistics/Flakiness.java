package dev.agentsim.api.statistics;

import dev.agentsim.store.run.RevisionVerdicts;
import java.util.List;
import java.util.UUID;

/**
 * Whether a scenario's verdicts agree across runs of the same agent revision. A scenario is flaky
 * against a revision when two of its judged runs disagree; the disagreement rate is the share of
 * pairs of judged runs whose verdicts differ, 2·c·(n − c) / (n·(n − 1)) for c passes out of n: 0
 * when all agree, highest when half pass (1 for one pass and one failure, towards 0.5 as runs
 * grow). Runs in ERROR are counted apart.
 *
 * @param flaky against at least one revision
 */
public record Flakiness(UUID scenarioId, boolean flaky, List<Revision> revisions) {

  /**
   * @param disagreementRate null with fewer than two judged runs, which cannot disagree
   */
  public record Revision(
      UUID agentId,
      UUID agentRevisionId,
      Integer revision,
      int judgedRuns,
      int passes,
      int errorRuns,
      Double disagreementRate,
      boolean flaky) {}

  public static Flakiness of(UUID scenarioId, List<RevisionVerdicts> verdicts) {
    List<Revision> revisions = verdicts.stream().map(Flakiness::revision).toList();
    return new Flakiness(scenarioId, revisions.stream().anyMatch(Revision::flaky), revisions);
  }

  static Double disagreementRate(int passes, int judged) {
    return judged < 2 ? null : 2.0 * passes * (judged - passes) / ((double) judged * (judged - 1));
  }

  private static Revision revision(RevisionVerdicts verdicts) {
    int judged = verdicts.succeeded() + verdicts.failed();
    Double rate = disagreementRate(verdicts.succeeded(), judged);
    return new Revision(
        verdicts.agentId(),
        verdicts.agentRevisionId(),
        verdicts.revision(),
        judged,
        verdicts.succeeded(),
        verdicts.errored(),
        rate,
        rate != null && rate > 0);
  }
}
