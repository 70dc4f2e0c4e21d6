package dev.agentsim.activities.llm;

import dev.agentsim.activities.Failures;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps at most a model's {@code maxConcurrency} calls in flight in this process, across all
 * batches. A call that gets no slot within the bounded wait fails as {@link Failures#BUSY}, so it
 * gives its activity slot back and Temporal tries again later, instead of blocking a worker thread
 * for as long as the queue in front of it lasts. That is our throttle, not the model's failure: a
 * turn does not count it against the model.
 */
final class ModelSlots {

  /** Released when the call is done. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private static final Slot UNLIMITED = () -> {};

  private final Duration wait;
  private final Map<UUID, Limit> limits = new ConcurrentHashMap<>();

  ModelSlots(Duration wait) {
    this.wait = wait;
  }

  Slot acquire(UUID modelId, Integer maxConcurrency) {
    if (maxConcurrency == null) {
      limits.remove(modelId);
      return UNLIMITED;
    }
    // A changed limit takes a new semaphore; calls holding the old one release it there.
    Semaphore semaphore =
        limits
            .compute(
                modelId,
                (id, limit) ->
                    limit != null && limit.permits() == maxConcurrency
                        ? limit
                        : new Limit(maxConcurrency))
            .semaphore();
    boolean acquired;
    try {
      acquired = semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.busy("Interrupted while waiting for a free model slot");
    }
    if (!acquired) {
      throw Failures.busy(
          "The model already has "
              + maxConcurrency
              + " calls in flight (its maxConcurrency) and none finished within "
              + wait.toMillis()
              + " ms");
    }
    return semaphore::release;
  }

  private record Limit(int permits, Semaphore semaphore) {
    Limit(int permits) {
      this(permits, new Semaphore(permits, true));
    }
  }
}
