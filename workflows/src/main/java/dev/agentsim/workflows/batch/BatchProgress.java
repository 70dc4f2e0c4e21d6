package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.BatchStatus;

/** Answer of the {@code progress} query. */
public record BatchProgress(
    BatchStatus status, int runs, RunCounts counts, int inFlight, int nextSequence) {}
