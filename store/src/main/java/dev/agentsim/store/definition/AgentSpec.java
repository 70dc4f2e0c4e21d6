package dev.agentsim.store.definition;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The endpoint under test. */
public record AgentSpec(
    @NotBlank String name,
    @NotNull @Pattern(regexp = "http", message = "must be one of: http") String type,
    @NotNull @Valid HttpAgentConfig config) implements Named {}
