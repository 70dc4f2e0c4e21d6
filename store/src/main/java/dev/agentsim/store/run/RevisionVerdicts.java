package dev.agentsim.store.run;

import java.util.UUID;

/**
 * The verdicts of a scenario's runs against one revision of one agent, across batches.
 *
 * @param agentRevisionId null for batches scheduled before revisions were recorded
 * @param revision the revision's number; null when {@code agentRevisionId} is, or it no longer
 *     exists
 */
public record RevisionVerdicts(
    UUID agentId, UUID agentRevisionId, Integer revision, int succeeded, int failed, int errored) {}
