package dev.agentsim.activities.evaluation;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.SECRETS;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.simulated;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import dev.agentsim.workflows.run.RunInput;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens and cost of a run's LLM calls, by the role each played, per run and per batch. */
class UsageAccountingTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension LLM = wireMock();

  private static RunActivitiesImpl activities;
  private static LlmClient llm;
  private static UUID agentId;

  @BeforeAll
  static void wire() {
    activities = DB.activities(Duration.ofSeconds(5)).run();
    llm =
        new LlmClient(
            DB.llmCalls, OUTBOUND, SECRETS, Duration.ofSeconds(5), ActivitiesTestSupport.METRICS);
    agentId = DB.agent(agentConfig("http://localhost:1", 1_000));
  }

  @BeforeEach
  void modelAnswers() {
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("what the simulated user says"))
            .willReturn(completion("I want my money back.", 100, 20)));
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("impartial evaluator"))
            .willReturn(
                completion(
                    "{\"passed\": true, \"reason\": \"Refund issued [2].\", \"turns\": [2], \"confidence\": 0.9}",
                    310,
                    25)));
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("how the user experienced it"))
            .willReturn(
                completion(
                    "{\"sentiment\": \"negative\", \"summary\": \"The user wanted a refund and had to insist.\"}",
                    280,
                    40)));
  }

  private static UUID model(Double inputPrice, Double outputPrice) {
    return DB.definitions
        .insert(
            PROJECT,
            Kind.MODEL,
            new ModelSpec(
                "Priced",
                "openai",
                LLM.baseUrl() + "/v1",
                "gpt-4o-mini",
                "sk-test",
                0.2,
                null,
                null,
                null,
                null,
                inputPrice,
                outputPrice))
        .id();
  }

  /**
   * A run in the batch whose simulated user spoke twice through the model, then judged with one
   * {@code text} criterion: two USER calls, one JUDGE call, one SUMMARY call.
   */
  private static void judgedRun(UUID batchId, UUID scenarioId, UUID modelId, int sequence) {
    RunInput run =
        new RunInput(
            null,
            batchId.toString(),
            UUID.randomUUID().toString(),
            sequence,
            PROJECT,
            scenarioId.toString(),
            agentId.toString(),
            modelId.toString(),
            settings(false, 5, FAST_RETRY));
    activities.startRun(run);
    ModelSpec spec = DB.definitions.get(Kind.MODEL, modelId, ModelSpec.class);
    for (int turn = 0; turn < 2; turn++) {
      llm.chat(
          UUID.fromString(run.runId()),
          LlmRole.USER,
          modelId,
          spec,
          List.of(UserMessage.from("Play Dana; this is what the simulated user says next.")));
      DB.say(run, 2 * turn, Turn.USER, "I want my money back.");
      DB.say(run, 2 * turn + 1, Turn.AGENT, "Your refund is issued.");
    }
    activities.evaluate(
        new Conclusion(run, TerminationReason.MAX_TURNS, ErrorCategory.NONE, null, null));
  }

  private static UUID batch(UUID modelId, int runs) {
    UUID scenarioId =
        DB.scenario(
            simulated(List.of(criterion("text", Map.of("text", "The agent issues a refund")))));
    UUID batchId = UUID.randomUUID();
    DB.batches.insert(
        batchId,
        PROJECT,
        scenarioId,
        agentId,
        modelId,
        "Usage",
        runs,
        "http",
        Map.of(),
        "test",
        Map.of());
    for (int sequence = 0; sequence < runs; sequence++) {
      judgedRun(batchId, scenarioId, modelId, sequence);
    }
    return batchId;
  }

  @Test
  void tokensAndCostAddUpByRole() {
    // $0.15 per million prompt tokens, $0.60 per million completion tokens.
    UUID batchId = batch(model(0.15, 0.60), 2);

    Usage usage = DB.llmCalls.usageOfBatch(batchId);

    // Exact decimals: 4 × (100 × 0.15 + 20 × 0.60) / 1,000,000 and so on, with no binary rounding
    // noise.
    assertTokens(usage.of(LlmRole.USER), 4 * 100, 4 * 20, 4, "0.000108");
    assertTokens(usage.of(LlmRole.JUDGE), 2 * 310, 2 * 25, 2, "0.000123");
    assertTokens(usage.of(LlmRole.SUMMARY), 2 * 280, 2 * 40, 2, "0.000132");
    assertTokens(
        usage.total(), 4 * 100 + 2 * 310 + 2 * 280, 4 * 20 + 2 * 25 + 2 * 40, 8, "0.000363");

    List<UUID> runs =
        DB.runs.page(batchId, null, RunSort.SEQUENCE, true, 10, 0).stream().map(Run::id).toList();
    Map<UUID, Usage> perRun = DB.llmCalls.usageOfRuns(runs);
    assertThat(perRun).hasSize(2);
    for (UUID run : runs) {
      assertTokens(perRun.get(run).of(LlmRole.JUDGE), 310, 25, 1, "0.0000615");
      assertTokens(perRun.get(run).total(), 2 * 100 + 310 + 280, 2 * 20 + 25 + 40, 4, "0.0001815");
    }
  }

  @Test
  void aModelWithoutPricesCountsTokensAndNoCost() {
    UUID batchId = batch(model(null, null), 1);

    Usage usage = DB.llmCalls.usageOfBatch(batchId);

    assertThat(usage.total())
        .isEqualTo(new Usage.Tokens(2 * 100 + 310 + 280, 2 * 20 + 25 + 40, 4, null));
    assertThat(DB.llmCalls.usageOfBatch(UUID.randomUUID()).total())
        .isEqualTo(new Usage.Tokens(0, 0, 0, null));
  }

  private static void assertTokens(
      Usage.Tokens tokens, long prompt, long completion, long calls, String cost) {
    assertThat(tokens.promptTokens()).as("prompt tokens").isEqualTo(prompt);
    assertThat(tokens.completionTokens()).as("completion tokens").isEqualTo(completion);
    assertThat(tokens.calls()).as("calls").isEqualTo(calls);
    assertThat(tokens.cost()).as("cost").isEqualByComparingTo(cost);
  }
}
