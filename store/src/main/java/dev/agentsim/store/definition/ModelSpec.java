package dev.agentsim.store.definition;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.UnaryOperator;

/**
 * An LLM configuration, for the simulated user and the judge.
 *
 * @param provider {@code openai} (any OpenAI-compatible server), {@code azure-openai}, {@code
 *     anthropic} or {@code ollama}
 * @param baseUrl the provider's endpoint; its public default when absent (Azure: the resource
 *     endpoint)
 * @param model the model name (Azure: the deployment name)
 * @param apiKey a secret: stored, never returned
 * @param seed asks the provider for reproducible sampling, where it honours one
 * @param timeoutMs limit of one call; the service default when absent
 * @param maxTokens limit of one answer
 * @param maxConcurrency calls to this model in flight at once, across all batches of a worker
 * @param inputPricePerMillion price of a million prompt tokens, in any currency, for cost reports
 * @param outputPricePerMillion price of a million completion tokens
 */
public record ModelSpec(
    @NotBlank String name,
    @NotNull
        @Pattern(
            regexp = "openai|azure-openai|anthropic|ollama",
            message = "must be one of: openai, azure-openai, anthropic, ollama")
        String provider,
    @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String baseUrl,
    @NotBlank String model,
    String apiKey,
    @DecimalMin("0.0") @DecimalMax("2.0") Double temperature,
    Long seed,
    @Min(1) @Max(600_000) Integer timeoutMs,
    @Min(1) @Max(1_000_000) Integer maxTokens,
    @Min(1) @Max(10_000) Integer maxConcurrency,
    @DecimalMin("0.0") Double inputPricePerMillion,
    @DecimalMin("0.0") Double outputPricePerMillion)
    implements Named {

  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
  public static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1";
  public static final String OLLAMA_BASE_URL = "http://localhost:11434";

  /**
   * Decimal places a cost is kept to: prices are in any currency and a call costs fractions of its
   * smallest coin (a token at 0.15 per million is 0.00000015), so costs are not rounded to cents
   * but kept to a billionth, as exact as the prices that make them.
   */
  public static final int COST_SCALE = 9;

  /** The common fields; the others take their defaults. */
  public ModelSpec(
      String name,
      String provider,
      String baseUrl,
      String model,
      String apiKey,
      Double temperature) {
    this(name, provider, baseUrl, model, apiKey, temperature, null, null, null, null, null, null);
  }

  /**
   * The endpoint called: {@code baseUrl}, else the provider's default; null for Azure without one.
   */
  public String baseUrlOrDefault() {
    if (baseUrl != null || provider == null) {
      return baseUrl;
    }
    return switch (provider) {
      case "openai" -> OPENAI_BASE_URL;
      case "anthropic" -> ANTHROPIC_BASE_URL;
      case "ollama" -> OLLAMA_BASE_URL;
      default -> null;
    };
  }

  public ModelSpec withApiKey(String key) {
    return new ModelSpec(
        name,
        provider,
        baseUrl,
        model,
        key,
        temperature,
        seed,
        timeoutMs,
        maxTokens,
        maxConcurrency,
        inputPricePerMillion,
        outputPricePerMillion);
  }

  /** The same model with its key passed through {@code each}: sealed, or unsealed. */
  public ModelSpec withSecrets(UnaryOperator<String> each) {
    return apiKey == null ? this : withApiKey(each.apply(apiKey));
  }

  /**
   * The cost of one call, or null when the model has no prices: in decimal, as prices are written,
   * to {@link #COST_SCALE} places.
   */
  public BigDecimal cost(Integer inputTokens, Integer outputTokens) {
    if (inputPricePerMillion == null && outputPricePerMillion == null) {
      return null;
    }
    return price(inputTokens, inputPricePerMillion)
        .add(price(outputTokens, outputPricePerMillion))
        .movePointLeft(6)
        .setScale(COST_SCALE, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal price(Integer tokens, Double perMillion) {
    // valueOf reads the price as it was written (0.15), not as the binary double nearest to it.
    return tokens == null || perMillion == null
        ? BigDecimal.ZERO
        : BigDecimal.valueOf(perMillion).multiply(BigDecimal.valueOf(tokens));
  }
}
