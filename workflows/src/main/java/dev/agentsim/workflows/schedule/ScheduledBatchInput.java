package dev.agentsim.workflows.schedule;

/**
 * @param intervalSeconds 0: start one batch now; more: start one after each such interval, for ever
 *     (a server without Temporal Schedules)
 */
public record ScheduledBatchInput(String scheduleId, long intervalSeconds) {}
