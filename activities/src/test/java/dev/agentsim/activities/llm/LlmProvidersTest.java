package dev.agentsim.activities.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.JSON;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.SECRETS;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.json;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmRole;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * Each provider through its real LangChain4j client against WireMock speaking that provider's API:
 * what reaches the provider, what comes back, what is recorded; and the per-model concurrency
 * limit.
 */
class LlmProvidersTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension LLM = wireMock();

  private static final List<ChatMessage> PERSONA_TURN =
      List.of(
          SystemMessage.from(
              "You are Dana Whitfield, a busy nurse. Your mission: get a refund for order 1234."),
          UserMessage.from("Agent: Hello! How can I help you today?"));

  private final LlmClient llm =
      new LlmClient(
          DB.llmCalls, OUTBOUND, SECRETS, Duration.ofSeconds(5), ActivitiesTestSupport.METRICS);
  private UUID runId;

  @BeforeEach
  void newRun() {
    UUID scenario = DB.scenario(scripted(List.of(), "hello"));
    UUID agent = DB.agent(agentConfig(LLM.baseUrl(), 1_000));
    runId =
        UUID.fromString(
            DB.startedRun(scenario, agent, DB.model(LLM.baseUrl()), settings(false, 5, FAST_RETRY))
                .runId());
  }

  @Test
  void openAiCompatibleRequestCarriesSeedMaxTokensAndTemperature() {
    LLM.stubFor(chatCompletions().willReturn(completion("My order 1234 arrived broken.", 40, 8)));
    ModelSpec spec =
        new ModelSpec(
            "vLLM",
            "openai",
            LLM.baseUrl() + "/v1",
            "llama-3.1-8b",
            "sk-secret-1",
            0.3,
            42L,
            null,
            256,
            null,
            0.5,
            1.5);

    LlmReply reply = llm.chat(runId, LlmRole.USER, model(spec), spec, PERSONA_TURN);

    assertThat(reply).isEqualTo(new LlmReply("My order 1234 arrived broken.", 40, 8));
    LoggedRequest request =
        LLM.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))).get(0);
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer sk-secret-1");
    Map<String, Object> body = body(request);
    assertThat(body)
        .containsEntry("model", "llama-3.1-8b")
        .containsEntry("seed", 42)
        .containsEntry("max_tokens", 256)
        .containsEntry("temperature", 0.3);
    assertThat(recordedCalls())
        .singleElement()
        .isEqualTo(
            Map.of("role", "USER", "prompt_tokens", 40, "completion_tokens", 8, "cost", 0.000032));
  }

  @Test
  void azureOpenAiUsesTheV1PathAndTheApiKeyHeader() {
    LLM.stubFor(
        post(urlPathEqualTo("/openai/v1/chat/completions"))
            .willReturn(completion("Hi, I need a refund.")));
    ModelSpec spec =
        new ModelSpec(
            "Azure", "azure-openai", LLM.baseUrl(), "my-gpt-4o-deployment", "azure-key-1", 0.2);

    LlmReply reply = llm.chat(runId, LlmRole.USER, model(spec), spec, PERSONA_TURN);

    assertThat(reply.text()).isEqualTo("Hi, I need a refund.");
    LLM.verify(
        1,
        postRequestedFor(urlPathEqualTo("/openai/v1/chat/completions"))
            .withHeader("api-key", equalTo("azure-key-1"))
            .withHeader("Authorization", absent()));
    assertThat(body(LLM.getAllServeEvents().get(0).getRequest()))
        .containsEntry("model", "my-gpt-4o-deployment");
  }

  @Test
  void anthropicAnswersAPersonaTurn() {
    LLM.stubFor(
        post(urlPathEqualTo("/v1/messages"))
            .willReturn(
                json(
                    """
        {
          "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
          "type": "message",
          "role": "assistant",
          "model": "claude-3-5-haiku-20241022",
          "content": [{"type": "text", "text": "Hi, my order 1234 arrived broken and I want a refund."}],
          "stop_reason": "end_turn",
          "stop_sequence": null,
          "usage": {"input_tokens": 61, "output_tokens": 17, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0}
        }""")));
    ModelSpec spec =
        new ModelSpec(
            "Claude",
            "anthropic",
            LLM.baseUrl() + "/v1",
            "claude-3-5-haiku-20241022",
            "sk-ant-secret",
            0.4,
            null,
            null,
            300,
            null,
            null,
            null);

    LlmReply reply = llm.chat(runId, LlmRole.USER, model(spec), spec, PERSONA_TURN);

    assertThat(reply)
        .isEqualTo(new LlmReply("Hi, my order 1234 arrived broken and I want a refund.", 61, 17));
    LoggedRequest request = LLM.findAll(postRequestedFor(urlPathEqualTo("/v1/messages"))).get(0);
    assertThat(request.getHeader("x-api-key")).isEqualTo("sk-ant-secret");
    assertThat(request.getHeader("anthropic-version")).isNotBlank();
    Map<String, Object> body = body(request);
    assertThat(body)
        .containsEntry("model", "claude-3-5-haiku-20241022")
        .containsEntry("max_tokens", 300)
        .containsEntry("temperature", 0.4);
    assertThat(String.valueOf(body.get("system"))).contains("Dana Whitfield");
    assertThat(recordedCalls())
        .singleElement()
        .satisfies(
            call ->
                assertThat(call)
                    .containsEntry("prompt_tokens", 61)
                    .containsEntry("completion_tokens", 17));
  }

  @Test
  void ollamaAnswersAPersonaTurn() {
    LLM.stubFor(
        post(urlPathEqualTo("/api/chat"))
            .willReturn(
                json(
                    """
        {
          "model": "llama3.2",
          "created_at": "2026-11-23T18:51:43.521Z",
          "message": {"role": "assistant", "content": "Hello, I want a refund for order 1234."},
          "done_reason": "stop",
          "done": true,
          "total_duration": 1841287000,
          "load_duration": 23180000,
          "prompt_eval_count": 48,
          "prompt_eval_duration": 301000000,
          "eval_count": 12,
          "eval_duration": 1507000000
        }""")));
    ModelSpec spec =
        new ModelSpec(
            "Local llama",
            "ollama",
            LLM.baseUrl(),
            "llama3.2",
            null,
            0.6,
            7L,
            null,
            120,
            null,
            null,
            null);

    LlmReply reply = llm.chat(runId, LlmRole.USER, model(spec), spec, PERSONA_TURN);

    assertThat(reply).isEqualTo(new LlmReply("Hello, I want a refund for order 1234.", 48, 12));
    Map<String, Object> body =
        body(LLM.findAll(postRequestedFor(urlPathEqualTo("/api/chat"))).get(0));
    assertThat(body).containsEntry("model", "llama3.2").containsEntry("stream", false);
    assertThat(body.get("options"))
        .asInstanceOf(MAP)
        .containsEntry("temperature", 0.6)
        .containsEntry("seed", 7)
        .containsEntry("num_predict", 120);
    assertThat(recordedCalls())
        .singleElement()
        .satisfies(
            call ->
                assertThat(call)
                    .containsEntry("prompt_tokens", 48)
                    .containsEntry("completion_tokens", 12));
  }

  @Test
  void noMoreThanMaxConcurrencyCallsToOneModelAreInFlight() throws Exception {
    int delayMs = 400;
    LLM.stubFor(
        chatCompletions()
            .willReturn(completion("Still waiting for my refund.").withFixedDelay(delayMs)));
    ModelSpec spec =
        new ModelSpec(
            "Limited",
            "openai",
            LLM.baseUrl() + "/v1",
            "gpt-4o-mini",
            "sk-test",
            0.7,
            null,
            null,
            null,
            2,
            null,
            null);
    UUID modelId = model(spec);

    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<LlmReply>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(pool.submit(() -> llm.chat(runId, LlmRole.USER, modelId, spec, PERSONA_TURN)));
      }
      for (Future<LlmReply> call : calls) {
        assertThat(call.get().text()).isEqualTo("Still waiting for my refund.");
      }
    } finally {
      pool.shutdownNow();
    }

    // WireMock holds each reply for delayMs after it logged the request: requests logged within
    // delayMs of each other were in flight together.
    List<Long> received =
        LLM.getAllServeEvents().stream()
            .map(event -> event.getRequest().getLoggedDate().getTime())
            .sorted()
            .toList();
    assertThat(received).hasSize(6);
    int mostInFlight = 0;
    for (long at : received) {
      int inFlight =
          (int) received.stream().filter(other -> other <= at && at < other + delayMs).count();
      mostInFlight = Math.max(mostInFlight, inFlight);
    }
    assertThat(mostInFlight).isEqualTo(2);
  }

  @Test
  void aCallThatGetsNoSlotInTimeIsRetriedAsOurOwnWaitNotTheModelsFailure() throws Exception {
    LLM.stubFor(chatCompletions().willReturn(completion("Slow answer.").withFixedDelay(1_500)));
    ModelSpec spec =
        new ModelSpec(
            "One at a time",
            "openai",
            LLM.baseUrl() + "/v1",
            "gpt-4o-mini",
            "sk-test",
            0.7,
            null,
            null,
            null,
            1,
            null,
            null);
    UUID modelId = model(spec);
    LlmClient impatient =
        new LlmClient(
            DB.llmCalls,
            OUTBOUND,
            SECRETS,
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            ActivitiesTestSupport.METRICS);

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<LlmReply> first =
          pool.submit(() -> impatient.chat(runId, LlmRole.USER, modelId, spec, PERSONA_TURN));
      Thread.sleep(300);
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () -> impatient.chat(runId, LlmRole.USER, modelId, spec, PERSONA_TURN));

      assertThat(failure.getType()).isEqualTo(Failures.BUSY);
      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getOriginalMessage()).contains("1 calls in flight");
      assertThat(first.get().text()).isEqualTo("Slow answer.");
    } finally {
      pool.shutdownNow();
    }
    assertThat(LLM.getAllServeEvents()).hasSize(1);
  }

  @Test
  void theModelsOwnTimeoutLimitsTheCall() {
    LLM.stubFor(chatCompletions().willReturn(completion("Too late.").withFixedDelay(2_000)));
    ModelSpec spec =
        new ModelSpec(
            "Impatient",
            "openai",
            LLM.baseUrl() + "/v1",
            "gpt-4o-mini",
            "sk-test",
            0.7,
            null,
            300,
            null,
            null,
            null,
            null);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> llm.chat(runId, LlmRole.USER, model(spec), spec, PERSONA_TURN));

    assertThat(failure.getOriginalMessage()).isEqualTo("The model did not answer within 300 ms");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(recordedCalls()).isEmpty();
  }

  @Test
  void checkAnswersOutsideAnyRunAndRecordsNothing() {
    LLM.stubFor(chatCompletions().willReturn(completion("OK")));
    ModelSpec spec =
        new ModelSpec("OpenAI", "openai", LLM.baseUrl() + "/v1", "gpt-4o-mini", "sk-test", 0.0);
    long recordedBefore = allRecordedCalls();

    ModelCheck check = llm.check(model(spec), spec);

    assertThat(check.ok()).isTrue();
    assertThat(check.reply()).isEqualTo("OK");
    assertThat(check.error()).isNull();
    assertThat(allRecordedCalls()).isEqualTo(recordedBefore);
  }

  @Test
  void checkReportsAModelThatCannotBeBuilt() {
    ModelSpec spec =
        new ModelSpec("Azure", "azure-openai", null, "my-deployment", "azure-key", 0.2);

    ModelCheck check = llm.check(model(spec), spec);

    assertThat(check.ok()).isFalse();
    assertThat(check.category()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(check.error())
        .startsWith(
            "The model is not configured correctly: an azure-openai model needs its "
                + "resource endpoint as baseUrl");
    assertThat(LLM.getAllServeEvents()).isEmpty();
  }

  private static UUID model(ModelSpec spec) {
    return DB.definitions.insert(PROJECT, Kind.MODEL, spec).id();
  }

  private static Map<String, Object> body(LoggedRequest request) {
    return JSON.readValue(request.getBodyAsString(), new TypeReference<Map<String, Object>>() {});
  }

  private static long allRecordedCalls() {
    return JdbcClient.create(DB.dataSource)
        .sql("select count(*) from llm_calls")
        .query(Long.class)
        .single();
  }

  private List<Map<String, Object>> recordedCalls() {
    return JdbcClient.create(DB.dataSource)
        .sql(
            "select role, prompt_tokens, completion_tokens, cost::float8 as cost from llm_calls where run_id = ?")
        .param(runId)
        .query(
            (rs, row) -> {
              Map<String, Object> call = new HashMap<>();
              call.put("role", rs.getString("role"));
              call.put("prompt_tokens", rs.getInt("prompt_tokens"));
              call.put("completion_tokens", rs.getInt("completion_tokens"));
              double cost = rs.getDouble("cost");
              if (!rs.wasNull()) {
                call.put("cost", cost);
              }
              return call;
            })
        .list();
  }
}
