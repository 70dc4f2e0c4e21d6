package dev.agentsim.store.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored API key, without its secret.
 *
 * @param projectId the project it may use, or null for every project
 * @param scopes {@code read}, {@code write}, {@code admin}
 * @param expiresAt null: it never expires
 * @param revokedAt null: not revoked
 */
public record ApiKey(
    UUID id,
    String projectId,
    String name,
    List<String> scopes,
    Instant expiresAt,
    Instant createdAt,
    Instant revokedAt) {}
