package dev.agentsim.workflows.webhook;

/**
 * One delivery to retry until its receiver answers 2xx, and how hard.
 *
 * @param maxAttempts requests at most, the first included
 * @param initialIntervalMillis the wait after the first failure; each next wait is twice the last
 * @param maxIntervalMillis the longest wait between two attempts
 * @param requestTimeoutMillis one request's limit, the receiver's whole answer included
 */
public record DeliveryInput(
    String deliveryId,
    int maxAttempts,
    long initialIntervalMillis,
    long maxIntervalMillis,
    long requestTimeoutMillis) {}
