package dev.agentsim.store.webhook;

import dev.agentsim.workflows.BatchStatus;
import java.util.Arrays;
import java.util.Optional;

/** What a webhook can be told: a batch finished, one event per final status. */
public enum WebhookEvent {
  BATCH_COMPLETED("batch.completed"),
  BATCH_FAILED("batch.failed"),
  BATCH_STOPPED("batch.stopped");

  private final String wire;

  WebhookEvent(String wire) {
    this.wire = wire;
  }

  /** The name webhooks subscribe to and receive as {@code type}, e.g. {@code batch.completed}. */
  public String wire() {
    return wire;
  }

  public static Optional<WebhookEvent> of(String wire) {
    return Arrays.stream(values()).filter(event -> event.wire.equals(wire)).findFirst();
  }

  /** The event of a batch that ended so; empty for a batch that has not ended. */
  public static Optional<WebhookEvent> of(BatchStatus status) {
    return switch (status) {
      case COMPLETED -> Optional.of(BATCH_COMPLETED);
      case FAILED -> Optional.of(BATCH_FAILED);
      case STOPPED -> Optional.of(BATCH_STOPPED);
      default -> Optional.empty();
    };
  }
}
