package dev.agentsim.activities.llm;

import dev.agentsim.store.definition.ModelSpec;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;

/**
 * Chat completions on any OpenAI-compatible server, through LangChain4j. Models are built once
 * per model id and spec; a changed spec (new key, new URL) builds a new one.
 *
 * <p>LangChain4j does not retry ({@code maxRetries(0)}): Temporal retries the activity. Failures
 * are thrown as {@code ApplicationFailure}s of type {@code LLM_PROVIDER_ERROR}, see
 * {@link LlmFailures}.
 */
@Component
public class LlmClient {

  /** Sent when a model has no key: local OpenAI-compatible servers need none but the client wants one. */
  static final String NO_API_KEY = "none";
  private static final int MAX_CACHED_MODELS = 256;

  private final Duration timeout;
  private final Map<CacheKey, ChatModel> models = new ConcurrentHashMap<>();

  /**
   * @param timeout per call to the model, property {@code simulator.llm.timeout}: {@code 60s},
   *     {@code 2m}, {@code PT90S}; a bare number is milliseconds
   */
  @Autowired
  public LlmClient(@Value("${simulator.llm.timeout:60s}") String timeout) {
    this(DurationStyle.detectAndParse(timeout));
  }

  public LlmClient(Duration timeout) {
    this.timeout = timeout;
  }

  public LlmReply chat(UUID modelId, ModelSpec spec, List<ChatMessage> messages) {
    ChatResponse response;
    try {
      response = model(modelId, spec).chat(messages);
    } catch (RuntimeException e) {
      throw LlmFailures.classify(e, timeout);
    }
    AiMessage message = response.aiMessage();
    String text = message == null || message.text() == null ? "" : message.text();
    TokenUsage usage = response.tokenUsage();
    return new LlmReply(text, usage == null ? null : usage.inputTokenCount(),
        usage == null ? null : usage.outputTokenCount());
  }

  private ChatModel model(UUID modelId, ModelSpec spec) {
    CacheKey key = new CacheKey(modelId, spec);
    ChatModel model = models.get(key);
    if (model != null) {
      return model;
    }
    // A spec edited while batches run leaves stale entries behind: dropped wholesale now and then.
    models.keySet().removeIf(cached -> cached.modelId().equals(modelId));
    if (models.size() >= MAX_CACHED_MODELS) {
      models.clear();
    }
    return models.computeIfAbsent(key, k -> build(spec));
  }

  private ChatModel build(ModelSpec spec) {
    String apiKey = spec.apiKey() == null || spec.apiKey().isBlank() ? NO_API_KEY : spec.apiKey();
    return OpenAiChatModel.builder()
        .baseUrl(spec.baseUrlOrDefault())
        .apiKey(apiKey)
        .modelName(spec.model())
        .temperature(spec.temperature())
        .timeout(timeout)
        .maxRetries(0)
        .logRequests(false)
        .logResponses(false)
        .build();
  }

  private record CacheKey(UUID modelId, ModelSpec spec) {}
}
