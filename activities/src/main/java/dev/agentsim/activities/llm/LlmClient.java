package dev.agentsim.activities.llm;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.Redaction;
import dev.agentsim.activities.metrics.SimulationMetrics;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmCall;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.ErrorCategory;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Chat with the model a spec names, through LangChain4j: any OpenAI-compatible server, Azure
 * OpenAI, Anthropic or Ollama (see {@link ChatModels}). Models are built once per model id and
 * spec; a changed spec (new key, new URL) builds a new one. At most the model's {@code
 * maxConcurrency} calls are in flight at once in this process ({@link ModelSlots}).
 *
 * <p>LangChain4j does not retry ({@code maxRetries(0)}): Temporal retries the activity. Failures
 * are thrown as {@code ApplicationFailure}s of type {@code LLM_PROVIDER_ERROR}, see {@link
 * LlmFailures}, the model's key blanked out of them.
 *
 * <p>Specs come as stored, the key sealed: it is unsealed here, to build the model that sends it.
 */
@Component
public class LlmClient {

  static final String TEST_PROMPT = "This is a connection test. Reply with the single word: OK";
  private static final int MAX_CACHED_MODELS = 256;
  private static final Duration DEFAULT_SLOT_WAIT = Duration.ofSeconds(30);

  private final LlmCallRepository calls;
  private final SimulationMetrics metrics;
  private final OutboundHttp outbound;
  private final SecretBox secrets;
  private final Duration timeout;
  private final ModelSlots slots;
  private final Map<CacheKey, Built> models = new ConcurrentHashMap<>();

  /**
   * @param timeout per call to a model whose spec sets no {@code timeoutMs}, property {@code
   *     simulator.llm.timeout}: {@code 60s}, {@code 2m}, {@code PT90S}; a bare number is
   *     milliseconds
   * @param slotWait how long a call waits for one of its model's {@code maxConcurrency} slots
   *     before it fails retryably, property {@code simulator.llm.slot-wait}
   */
  @Autowired
  public LlmClient(
      LlmCallRepository calls,
      OutboundHttp outbound,
      SecretBox secrets,
      SimulatorSettings settings,
      SimulationMetrics metrics) {
    this(calls, outbound, secrets, settings.llm().timeout(), settings.llm().slotWait(), metrics);
  }

  public LlmClient(
      LlmCallRepository calls,
      OutboundHttp outbound,
      SecretBox secrets,
      Duration timeout,
      SimulationMetrics metrics) {
    this(calls, outbound, secrets, timeout, DEFAULT_SLOT_WAIT, metrics);
  }

  public LlmClient(
      LlmCallRepository calls,
      OutboundHttp outbound,
      SecretBox secrets,
      Duration timeout,
      Duration slotWait,
      SimulationMetrics metrics) {
    this.calls = calls;
    this.metrics = metrics;
    this.outbound = outbound;
    this.secrets = secrets;
    this.timeout = timeout;
    this.slots = new ModelSlots(slotWait);
  }

  /**
   * Asks the model, and records the call's tokens, latency and cost against the run in the given
   * role.
   */
  public LlmReply chat(
      UUID runId, LlmRole role, UUID modelId, ModelSpec spec, List<ChatMessage> messages) {
    Answer answer = ask(modelId, spec, messages);
    LlmReply reply = answer.reply();
    BigDecimal cost = spec.cost(reply.inputTokens(), reply.outputTokens());
    calls.record(
        new LlmCall(
            runId,
            role,
            modelId,
            reply.inputTokens(),
            reply.outputTokens(),
            answer.latencyMs(),
            cost,
            Instant.now()));
    metrics.llmCalled(spec.model(), role, reply.inputTokens(), reply.outputTokens(), cost);
    return reply;
  }

  /**
   * Sends the model one tiny prompt to see whether its configuration works. Not part of a run:
   * nothing is recorded, and a failure is reported, not thrown.
   */
  public ModelCheck check(UUID modelId, ModelSpec spec) {
    long started = System.nanoTime();
    try {
      LlmReply reply = ask(modelId, spec, List.of(UserMessage.from(TEST_PROMPT))).reply();
      return new ModelCheck(true, millisSince(started), reply.text(), null, null, null);
    } catch (ApplicationFailure failure) {
      return new ModelCheck(
          false,
          millisSince(started),
          null,
          failure.getOriginalMessage(),
          failure.getType(),
          failure.getCause() == null ? null : failure.getCause().getMessage());
    }
  }

  /**
   * Asks the model with tools, for an agent under test ({@code openai-chat} agents): its calls are
   * the agent's cost, not the simulator's, so nothing is recorded.
   */
  public ChatResponse chat(UUID modelId, ModelSpec spec, ChatRequest request) {
    Duration callTimeout = spec.timeoutMs() == null ? timeout : Duration.ofMillis(spec.timeoutMs());
    Built built = model(modelId, spec, callTimeout);
    Redaction redaction = built.redaction();
    try (ModelSlots.Slot slot = slots.acquire(modelId, spec.maxConcurrency())) {
      try {
        return built.model().chat(request);
      } catch (RuntimeException e) {
        throw LlmFailures.classify(e, callTimeout, redaction);
      }
    }
  }

  private Answer ask(UUID modelId, ModelSpec spec, List<ChatMessage> messages) {
    Duration callTimeout = spec.timeoutMs() == null ? timeout : Duration.ofMillis(spec.timeoutMs());
    Built built = model(modelId, spec, callTimeout);
    Redaction redaction = built.redaction();
    try (ModelSlots.Slot slot = slots.acquire(modelId, spec.maxConcurrency())) {
      long started = System.nanoTime();
      ChatResponse response;
      try {
        response = built.model().chat(messages);
      } catch (RuntimeException e) {
        throw LlmFailures.classify(e, callTimeout, redaction);
      }
      AiMessage message = response.aiMessage();
      String text = message == null || message.text() == null ? "" : message.text();
      TokenUsage usage = response.tokenUsage();
      return new Answer(
          new LlmReply(
              text,
              usage == null ? null : usage.inputTokenCount(),
              usage == null ? null : usage.outputTokenCount()),
          millisSince(started));
    }
  }

  /**
   * The spec with its key unsealed, to build the model from; a key that cannot be unsealed fails
   * the call.
   */
  private ModelSpec unsealed(ModelSpec spec) {
    try {
      return spec.withSecrets(secrets::unseal);
    } catch (SecretBox.SecretUnreadable e) {
      throw Failures.nonRetryable(
          ErrorCategory.LLM_PROVIDER_ERROR,
          "The model's API key cannot be read",
          new FailureDetail(e.getMessage()));
    }
  }

  /**
   * Models are kept by the spec as stored: the key is unsealed only to build one, and is then in
   * the clear only in the model and in what redacts it, not unsealed again for every call.
   */
  private Built model(UUID modelId, ModelSpec spec, Duration callTimeout) {
    CacheKey key = new CacheKey(modelId, spec);
    Built built = models.get(key);
    if (built != null) {
      return built;
    }
    // A spec edited while batches run leaves stale entries behind: dropped wholesale now and then.
    models.keySet().removeIf(cached -> cached.modelId().equals(modelId));
    if (models.size() >= MAX_CACHED_MODELS) {
      models.clear();
    }
    ModelSpec plain = unsealed(spec);
    Redaction redaction = Redaction.of(plain.apiKey());
    try {
      return models.computeIfAbsent(
          key, k -> new Built(ChatModels.build(plain, callTimeout, outbound), redaction));
    } catch (IllegalArgumentException e) {
      throw LlmFailures.misconfigured(e, redaction);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private record Answer(LlmReply reply, long latencyMs) {}

  private record CacheKey(UUID modelId, ModelSpec spec) {}

  private record Built(ChatModel model, Redaction redaction) {}
}
