package dev.agentsim.store.schedule;

import java.time.Instant;
import java.util.UUID;

/**
 * Batches started over and over: at the times of a cron expression or every so many seconds.
 *
 * @param cron five fields, UTC; null when {@code intervalSeconds} is set
 * @param intervalSeconds null when {@code cron} is set
 * @param batch the body of {@code POST /v1/batches} each batch is started with, as JSON
 * @param paused no batch is started while paused
 */
public record Schedule(
    UUID id,
    String projectId,
    String name,
    String cron,
    Long intervalSeconds,
    String batch,
    boolean paused,
    Instant createdAt,
    Instant updatedAt) {}
