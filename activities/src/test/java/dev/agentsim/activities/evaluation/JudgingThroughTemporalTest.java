package dev.agentsim.activities.evaluation;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.AGENT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.JSON;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.SECRETS;
import static dev.agentsim.activities.ActivitiesTestSupport.agentCall;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.agentReply;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Activities;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.rejudge.RejudgeInput;
import dev.agentsim.workflows.rejudge.RejudgeWorkflow;
import dev.agentsim.workflows.rejudge.RejudgeWorkflowImpl;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The judge inside real workflows on Temporal, WireMock playing the agent and the OpenAI-compatible
 * model: an unreadable judge answer is retried, and after the last attempt the run is ERROR with
 * LLM_PROVIDER_ERROR; a rejudge judges the stored transcripts again.
 */
class JudgingThroughTemporalTest {

  private static final String REJUDGE_QUEUE = "rejudge-test";
  private static final Criterion POLITE = criterion("text", Map.of("text", "The agent is polite"));

  @RegisterExtension static final Database DB = new Database();

  /** The agent and the model. */
  @RegisterExtension static final WireMockExtension FAKES = wireMock();

  private static Activities activities;
  private static Temporal temporal;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    activities = DB.activities(Duration.ofSeconds(5));
    RejudgeActivitiesImpl rejudge =
        new RejudgeActivitiesImpl(
            DB.runs,
            DB.evaluations,
            DB.batches,
            new CriteriaEvaluator(
                DB.definitions,
                new LlmJudge(
                    new LlmClient(
                        DB.llmCalls,
                        OUTBOUND,
                        SECRETS,
                        Duration.ofSeconds(5),
                        ActivitiesTestSupport.METRICS),
                    JSON),
                DB.evaluations),
            new TurnKeeper(DB.runs, DB.turns, DB.definitions),
            SimulatorSettings.of(
                Map.of("simulator.retry.max-attempts", String.valueOf(FAST_RETRY.maxAttempts()))));
    temporal =
        Temporal.start(
            DB,
            activities,
            env -> {
              Worker worker = env.newWorker(REJUDGE_QUEUE);
              worker.registerWorkflowImplementationTypes(RejudgeWorkflowImpl.class);
              worker.registerActivitiesImplementations(rejudge);
            });
    agentId = DB.agent(agentConfig(FAKES.baseUrl(), 2_000));
    modelId = DB.model(FAKES.baseUrl());
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private static void agentAnswers(String text) {
    FAKES.stubFor(agentCall().willReturn(agentReply(text, false)));
  }

  private static void judgeAnswers(String content) {
    FAKES.stubFor(
        chatCompletions()
            .withRequestBody(containing("impartial evaluator"))
            .willReturn(completion(content)));
  }

  private static void summaryAnswers() {
    FAKES.stubFor(
        chatCompletions()
            .withRequestBody(containing("how the user experienced it"))
            .willReturn(
                completion(
                    "{\"sentiment\": \"neutral\", \"summary\": \"Sam asked for a refund. The agent answered once.\"}")));
  }

  private static int judgeCalls() {
    return FAKES
        .findAll(
            postRequestedFor(urlPathEqualTo(CHAT_PATH))
                .withRequestBody(containing("impartial evaluator")))
        .size();
  }

  private static RunInput scriptedRun(Criterion... criteria) {
    UUID scenario = DB.scenario(scripted(List.of(criteria), "I want a refund for order 1234"));
    return DB.newRun(scenario, agentId, modelId, settings(false, 5, FAST_RETRY));
  }

  @Test
  void anUnreadableJudgeAnswerIsRetried() {
    agentAnswers("Certainly! Your refund is on its way.");
    summaryAnswers();
    FAKES.stubFor(
        chatCompletions()
            .withRequestBody(containing("impartial evaluator"))
            .inScenario("judge")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("readable")
            .willReturn(completion("PASS!")));
    FAKES.stubFor(
        chatCompletions()
            .withRequestBody(containing("impartial evaluator"))
            .inScenario("judge")
            .whenScenarioStateIs("readable")
            .willReturn(
                completion(
                    "{\"passed\": true, \"reason\": \"It says certainly [2].\", \"turns\": [2], \"confidence\": 0.8}")));
    RunInput run = scriptedRun(POLITE);

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCESS);
    assertThat(judgeCalls()).isEqualTo(2);
    Run stored = DB.stored(run);
    assertThat(stored.results())
        .extracting(CriterionResult::passed, CriterionResult::turns, CriterionResult::confidence)
        .containsExactly(tuple(true, List.of(2), 0.8));
    assertThat(stored.sentiment()).isEqualTo("neutral");
  }

  @Test
  void aJudgeThatNeverAnswersReadablyMakesTheRunAnLlmProviderError() {
    agentAnswers("Your refund is on its way.");
    summaryAnswers();
    judgeAnswers("I'd say it mostly passed.");
    RunInput run = scriptedRun(POLITE, criterion("contains", Map.of("value", "refund")));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.USER_STOP, ErrorCategory.LLM_PROVIDER_ERROR));
    assertThat(judgeCalls()).isEqualTo(FAST_RETRY.maxAttempts());
    Run stored = DB.stored(run);
    assertThat(stored.verdict()).isEqualTo(Verdict.ERROR);
    // The agent did nothing wrong: the run says the judge failed, and how the conversation really
    // ended.
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    assertThat(stored.terminationReason()).isEqualTo(TerminationReason.USER_STOP);
    assertThat(stored.errorMessage())
        .isEqualTo(
            "The success criteria could not be judged: The model's judge answer could not be read");
    assertThat(stored.technicalDetails()).contains("judge answered: I'd say it mostly passed.");
    assertThat(stored.evaluation()).isEqualTo(1);
    assertThat(FAKES.findAll(postRequestedFor(urlPathEqualTo(AGENT_PATH)))).hasSize(1);
  }

  @Test
  void rejudgingJudgesStoredTranscriptsWithTheCurrentCriteria() {
    ScenarioSpec original =
        scripted(List.of(criterion("contains", Map.of("value", "refund"))), "I want a refund");
    UUID scenarioId = DB.scenario(original);
    UUID batchId = UUID.randomUUID();
    DB.batches.insert(
        batchId,
        PROJECT,
        scenarioId,
        agentId,
        modelId,
        "Rejudged",
        4,
        "http",
        Map.of(),
        "test",
        Map.of());
    RunInput judged = storedRun(batchId, scenarioId, 0);
    activities
        .run()
        .evaluate(
            new Conclusion(judged, TerminationReason.USER_STOP, ErrorCategory.NONE, null, null));
    RunInput judgeFailed = storedRun(batchId, scenarioId, 1);
    activities
        .run()
        .recordError(
            new Conclusion(
                judgeFailed,
                TerminationReason.USER_STOP,
                ErrorCategory.LLM_PROVIDER_ERROR,
                "The success criteria could not be judged: overloaded",
                "..."));
    RunInput agentFailed = storedRun(batchId, scenarioId, 2);
    activities
        .run()
        .recordError(
            new Conclusion(
                agentFailed,
                TerminationReason.AGENT_ERROR,
                ErrorCategory.AI_AGENT_ERROR,
                "The agent answered HTTP 500",
                "..."));
    RunInput stopped = storedRun(batchId, scenarioId, 3);
    activities
        .run()
        .recordStopped(
            new Conclusion(stopped, TerminationReason.CANCELLED, ErrorCategory.NONE, null, null));
    DB.batches.finish(batchId, BatchStatus.COMPLETED, null);
    List<List<Turn>> transcripts =
        List.of(DB.turns(judged), DB.turns(judgeFailed), DB.turns(agentFailed), DB.turns(stopped));
    assertThat(DB.stored(judged).verdict()).isEqualTo(Verdict.SUCCESS);

    // The scenario now also asks the judge, and forbids what the agent said.
    List<Criterion> stricter =
        List.of(criterion("not_contains", Map.of("value", "refund")), POLITE);
    DB.definitions.update(
        PROJECT,
        Kind.SCENARIO,
        scenarioId,
        new ScenarioSpec(
            original.name(),
            original.persona(),
            original.mission(),
            stricter,
            original.maxTurns(),
            original.firstSpeaker(),
            original.script()));
    judgeAnswers(
        "{\"passed\": true, \"reason\": \"Polite throughout [2].\", \"turns\": [2], \"confidence\": 0.9}");
    summaryAnswers();
    int evaluation = DB.batches.startRejudge(batchId, stricter).orElseThrow();
    assertThat(evaluation).isEqualTo(2);
    assertThat(DB.batches.startRejudge(batchId, stricter)).as("one rejudge at a time").isEmpty();
    assertThat(DB.batches.find(PROJECT, batchId).orElseThrow().rejudging()).isTrue();

    temporal
        .env
        .getWorkflowClient()
        .newWorkflowStub(
            RejudgeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(REJUDGE_QUEUE)
                .setWorkflowId(RejudgeWorkflow.workflowId(batchId.toString(), evaluation))
                .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                .build())
        .run(new RejudgeInput(batchId.toString(), evaluation, 2, FAST_RETRY, -1));

    Run rejudged = DB.stored(judged);
    assertThat(rejudged.evaluation()).isEqualTo(2);
    assertThat(rejudged.verdict()).isEqualTo(Verdict.FAILED);
    assertThat(rejudged.results())
        .extracting(CriterionResult::type, CriterionResult::passed)
        .containsExactly(tuple("not_contains", false), tuple("text", true));
    assertThat(rejudged.sentiment()).isEqualTo("neutral");
    assertThat(DB.evaluations.evaluations(rejudged.id()))
        .extracting(Evaluation::verdict)
        .containsExactly(Verdict.SUCCESS, Verdict.FAILED);

    Run judgedAtLast = DB.stored(judgeFailed);
    assertThat(judgedAtLast.evaluation()).isEqualTo(2);
    assertThat(judgedAtLast.verdict()).isEqualTo(Verdict.FAILED);
    assertThat(judgedAtLast.errorCategory()).isEqualTo(ErrorCategory.NONE);
    assertThat(judgedAtLast.errorMessage()).isNull();
    assertThat(judgedAtLast.terminationReason()).isEqualTo(TerminationReason.USER_STOP);

    Run stillAgentError = DB.stored(agentFailed);
    assertThat(stillAgentError.evaluation()).isEqualTo(1);
    assertThat(stillAgentError.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(stillAgentError.errorCategory()).isEqualTo(ErrorCategory.AI_AGENT_ERROR);
    Run stillStopped = DB.stored(stopped);
    assertThat(stillStopped.status()).isEqualTo(RunStatus.STOPPED);
    assertThat(stillStopped.evaluation()).isNull();

    assertThat(
            List.of(
                DB.turns(judged), DB.turns(judgeFailed), DB.turns(agentFailed), DB.turns(stopped)))
        .isEqualTo(transcripts);
    assertThat(judgeCalls()).as("the two rejudgeable runs").isEqualTo(2);
    assertThat(DB.batches.find(PROJECT, batchId).orElseThrow())
        .satisfies(
            batch -> {
              assertThat(batch.evaluation()).isEqualTo(2);
              assertThat(batch.rejudging()).isFalse();
              assertThat(batch.tally().failed()).isEqualTo(2);
              assertThat(batch.tally().errored()).isEqualTo(1);
            });
    assertThat(DB.batches.errorsByCategory(batchId))
        .isEqualTo(Map.of(ErrorCategory.AI_AGENT_ERROR, 1));
  }

  /** A run of the batch with a two-message conversation in the store. */
  private static RunInput storedRun(UUID batchId, UUID scenarioId, int sequence) {
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
    activities.run().startRun(run);
    DB.say(run, 0, Turn.USER, "I want a refund");
    DB.say(run, 1, Turn.AGENT, "Of course, your refund is on its way.");
    return run;
  }
}
