package dev.agentsim.store.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A URL of a project told when its batches finish; its signing secret is not part of it.
 *
 * @param events the events it is told of, as {@link WebhookEvent#wire()} names them
 * @param description free text, null for none
 */
public record Webhook(
    UUID id,
    String projectId,
    String url,
    List<String> events,
    String description,
    Instant createdAt) {}
