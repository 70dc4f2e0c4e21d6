package dev.agentsim.store.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * One event sent to one webhook, with how its attempts went.
 *
 * @param id the event's id, sent as {@code X-Event-Id} and as the body's {@code id}
 * @param attempts requests made so far
 * @param lastStatusCode the receiver's status code at the last attempt; null when it gave none
 * @param lastError why the last attempt failed; null when it succeeded or none was made
 */
public record Delivery(
    UUID id,
    UUID webhookId,
    UUID batchId,
    String event,
    Status status,
    int attempts,
    Integer lastStatusCode,
    String lastError,
    Instant createdAt,
    Instant lastAttemptAt,
    Instant deliveredAt) {

  /**
   * Pending while attempts go on; delivered at the first 2xx; failed when attempts ran out or the
   * URL was refused.
   */
  public enum Status {
    PENDING,
    DELIVERED,
    FAILED
  }
}
