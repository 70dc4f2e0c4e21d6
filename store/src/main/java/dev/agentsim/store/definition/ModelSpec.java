package dev.agentsim.store.definition;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An LLM configuration, for the simulated user and the judge.
 *
 * @param baseUrl an OpenAI-compatible endpoint; OpenAI's own when absent
 * @param apiKey a secret: stored, never returned
 */
public record ModelSpec(
    @NotBlank String name,
    @NotNull @Pattern(regexp = "openai", message = "must be one of: openai") String provider,
    @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String baseUrl,
    @NotBlank String model,
    String apiKey,
    @DecimalMin("0.0") @DecimalMax("2.0") Double temperature) implements Named {

  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

  public String baseUrlOrDefault() {
    return baseUrl == null ? OPENAI_BASE_URL : baseUrl;
  }
}
