package dev.agentsim.store.definition;

import java.time.Instant;
import java.util.UUID;

/** A user-defined object as stored: its spec and the bookkeeping around it. */
public record Stored<T>(UUID id, String projectId, T spec, Instant createdAt, Instant updatedAt) {}
