package dev.agentsim.activities.llm;

import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.definition.ModelSpec;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the LangChain4j model for a spec's provider. Every model goes through {@link
 * ProviderHttpClient}, never logs requests (they carry the key) and never retries itself: Temporal
 * retries the activity.
 */
final class ChatModels {

  /**
   * Sent when an OpenAI-compatible model has no key: local servers need none, the client wants one.
   */
  static final String NO_API_KEY = "none";

  private ChatModels() {}

  /**
   * @throws IllegalArgumentException when the spec cannot work with its provider
   */
  static ChatModel build(ModelSpec spec, Duration timeout, OutboundHttp outbound) {
    return switch (spec.provider()) {
      case "openai" ->
          openAi(spec, timeout, outbound)
              .baseUrl(spec.baseUrlOrDefault())
              .apiKey(isBlank(spec.apiKey()) ? NO_API_KEY : spec.apiKey())
              .build();
      case "azure-openai" ->
          openAi(spec, timeout, outbound)
              .baseUrl(azureV1(spec.baseUrl()))
              .customHeaders(isBlank(spec.apiKey()) ? Map.of() : Map.of("api-key", spec.apiKey()))
              .build();
      case "anthropic" ->
          AnthropicChatModel.builder()
              .httpClientBuilder(ProviderHttpClient.builder(outbound))
              .baseUrl(spec.baseUrlOrDefault())
              .apiKey(spec.apiKey())
              .modelName(spec.model())
              .temperature(spec.temperature())
              .maxTokens(spec.maxTokens())
              .timeout(timeout)
              .maxRetries(0)
              .logRequests(false)
              .logResponses(false)
              .build();
      case "ollama" ->
          OllamaChatModel.builder()
              .httpClientBuilder(ProviderHttpClient.builder(outbound))
              .baseUrl(spec.baseUrlOrDefault())
              // Ollama itself wants no key; one in front of it (a proxy, a hosted Ollama) may.
              .customHeaders(
                  isBlank(spec.apiKey())
                      ? Map.of()
                      : Map.of("Authorization", "Bearer " + spec.apiKey()))
              .modelName(spec.model())
              .temperature(spec.temperature())
              .seed(seed(spec))
              .numPredict(spec.maxTokens())
              .timeout(timeout)
              .maxRetries(0)
              .logRequests(false)
              .logResponses(false)
              .build();
      default ->
          throw new IllegalArgumentException("provider '" + spec.provider() + "' is not supported");
    };
  }

  private static OpenAiChatModel.OpenAiChatModelBuilder openAi(
      ModelSpec spec, Duration timeout, OutboundHttp outbound) {
    return OpenAiChatModel.builder()
        .httpClientBuilder(ProviderHttpClient.builder(outbound))
        .modelName(spec.model())
        .temperature(spec.temperature())
        .seed(seed(spec))
        .maxTokens(spec.maxTokens())
        .timeout(timeout)
        .maxRetries(0)
        .logRequests(false)
        .logResponses(false);
  }

  /**
   * Azure's OpenAI-compatible v1 API: {@code https://<resource>.openai.azure.com/openai/v1/}, the
   * key in an {@code api-key} header, the deployment as the model name. The resource endpoint alone
   * is completed.
   */
  static String azureV1(String baseUrl) {
    if (baseUrl == null) {
      throw new IllegalArgumentException(
          "an azure-openai model needs its resource endpoint as baseUrl, e.g. https://my-resource.openai.azure.com");
    }
    String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return trimmed.contains("/openai") ? trimmed : trimmed + "/openai/v1";
  }

  /** LangChain4j takes an int seed. */
  private static Integer seed(ModelSpec spec) {
    if (spec.seed() == null) {
      return null;
    }
    if (spec.seed() < Integer.MIN_VALUE || spec.seed() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "seed must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
    }
    return spec.seed().intValue();
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
