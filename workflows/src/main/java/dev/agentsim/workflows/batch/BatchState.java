package dev.agentsim.workflows.batch;

import java.util.List;

/**
 * What a batch carries across continue-as-new.
 *
 * @param nextSequence sequence number of the next run to start
 * @param inFlight sequence numbers of started runs that have not reported back yet
 * @param deadlineMillis workflow time at which the batch times out; 0 means none
 * @param restart runs in flight whose workflows were lost with an earlier in-process Temporal
 *     server: this execution starts them again first; null or empty for none
 * @param precisionReached the batch asked for a precision and has reached it: it starts no more
 *     runs
 */
public record BatchState(
    int nextSequence,
    List<Integer> inFlight,
    RunCounts counts,
    long deadlineMillis,
    List<Integer> restart,
    boolean precisionReached) {

  public BatchState(
      int nextSequence,
      List<Integer> inFlight,
      RunCounts counts,
      long deadlineMillis,
      List<Integer> restart) {
    this(nextSequence, inFlight, counts, deadlineMillis, restart, false);
  }

  public BatchState(
      int nextSequence, List<Integer> inFlight, RunCounts counts, long deadlineMillis) {
    this(nextSequence, inFlight, counts, deadlineMillis, List.of());
  }
}
