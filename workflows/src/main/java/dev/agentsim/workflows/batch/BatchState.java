package dev.agentsim.workflows.batch;

import java.util.List;

/**
 * What a batch carries across continue-as-new.
 *
 * @param nextSequence sequence number of the next run to start
 * @param inFlight sequence numbers of started runs that have not reported back yet
 * @param deadlineMillis workflow time at which the batch times out; 0 means none
 */
public record BatchState(
    int nextSequence,
    List<Integer> inFlight,
    RunCounts counts,
    long deadlineMillis) {}
