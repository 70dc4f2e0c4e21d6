package dev.agentsim.workflows.sweep;

/**
 * What one sweep found and did.
 *
 * @param batchesChecked batches the database says are under way
 * @param batchesEnded of those, ended because Temporal says their workflow has ended or is unknown
 * @param runsSettled runs of ended batches recorded as ERROR, their workflow gone too
 * @param runsStopped runs of ended batches whose workflow still ran: cancelled, they record their
 *     partial transcripts as a stopped batch's runs do
 * @param rejudgesFailed rejudges marked failed because their workflow had ended or was unknown
 */
public record SweepReport(
    int batchesChecked, int batchesEnded, int runsSettled, int runsStopped, int rejudgesFailed) {}
