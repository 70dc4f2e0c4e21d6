package dev.agentsim.api.webhook;

import java.util.List;

/**
 * The body of {@code POST /v1/webhooks}. Only these fields are read; any other is refused.
 *
 * @param url where the events are posted: https (plain http only to a host {@code
 *     simulator.outbound.allow} lists)
 * @param events which of {@code batch.completed}, {@code batch.failed}, {@code batch.stopped} to
 *     send; all three when left out
 * @param description free text, optional
 */
public record WebhookRequest(String url, List<String> events, String description) {}
