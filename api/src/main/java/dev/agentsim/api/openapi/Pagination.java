package dev.agentsim.api.openapi;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The paging block of the native lists read by {@code limit} and {@code skip}, as the API document
 * shows it.
 */
@Schema(name = "Pagination")
public record Pagination(
    int limit,
    int skip,
    @Schema(description = "Whether a next page has objects") boolean hasNext) {}
