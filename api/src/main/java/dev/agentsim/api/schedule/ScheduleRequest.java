package dev.agentsim.api.schedule;

import dev.agentsim.api.batch.BatchRequest;

/**
 * The body of {@code POST /v1/schedules}: exactly one of {@code cron} and {@code intervalSeconds},
 * and the batch to start each time. Only these fields are read; any other is refused.
 *
 * @param name the batch's name (or its scenario's) by default
 * @param cron five fields (minute, hour, day of month, month, day of week), in UTC
 * @param intervalSeconds {@value Schedules#MIN_INTERVAL_SECONDS} or more
 * @param paused create it paused; false by default
 * @param batch the body of {@code POST /v1/batches}
 */
public record ScheduleRequest(
    String name, String cron, Long intervalSeconds, Boolean paused, BatchRequest batch) {}
