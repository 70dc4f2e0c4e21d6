package dev.agentsim.api.batch;

import java.util.UUID;

/**
 * The command that forks a stored conversation into a new batch ({@link Batches#fork}).
 *
 * @param fromSequence the message the fork starts at, 1 for the transcript's first
 * @param runs how many runs the new batch has
 */
public record ForkRun(String projectId, UUID runId, int fromSequence, int runs) {}
