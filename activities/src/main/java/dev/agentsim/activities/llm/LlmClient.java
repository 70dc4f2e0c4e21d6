package dev.agentsim.activities.llm;

import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmCall;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.llm.LlmRole;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
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

  private final LlmCallRepository calls;
  private final Duration timeout;
  private final Map<CacheKey, ChatModel> models = new ConcurrentHashMap<>();

  /**
   * @param timeout per call to the model, property {@code simulator.llm.timeout}: {@code 60s},
   *     {@code 2m}, {@code PT90S}; a bare number is milliseconds
   */
  @Autowired
  public LlmClient(LlmCallRepository calls, @Value("${simulator.llm.timeout:60s}") String timeout) {
    this(calls, DurationStyle.detectAndParse(timeout));
  }

  public LlmClient(LlmCallRepository calls, Duration timeout) {
    this.calls = calls;
    this.timeout = timeout;
  }

  /** Asks the model, and records the call's tokens, latency and cost against the run in the given role. */
  public LlmReply chat(UUID runId, LlmRole role, UUID modelId, ModelSpec spec, List<ChatMessage> messages) {
    ChatResponse response;
    long started = System.nanoTime();
    try {
      response = model(modelId, spec).chat(messages);
    } catch (RuntimeException e) {
      throw LlmFailures.classify(e, timeout);
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    AiMessage message = response.aiMessage();
    String text = message == null || message.text() == null ? "" : message.text();
    TokenUsage usage = response.tokenUsage();
    Integer input = usage == null ? null : usage.inputTokenCount();
    Integer output = usage == null ? null : usage.outputTokenCount();
    calls.record(new LlmCall(runId, role, modelId, input, output, latencyMs, spec.cost(input, output), Instant.now()));
    return new LlmReply(text, input, output);
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
