package dev.agentsim.activities.evaluation;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.chatMessages;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.criterion;
import static dev.agentsim.activities.ActivitiesTestSupport.openAiError;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.simulated;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunStatus;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunActivities.Conclusion;
import dev.agentsim.workflows.run.RunInput;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Judging a stored conversation against each kind of criterion, the simulated user's experience,
 * and recording errors and stops.
 */
class RunActivitiesTest {

  @RegisterExtension static final Database DB = new Database();

  /** The judge's model. */
  @RegisterExtension static final WireMockExtension LLM = wireMock();

  private static RunActivitiesImpl activities;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void wire() {
    activities = DB.activities(Duration.ofSeconds(5)).run();
    agentId = DB.agent(agentConfig("http://localhost:1", 1_000));
    modelId = DB.model(LLM.baseUrl());
  }

  /**
   * A started run of a scripted scenario with these criteria, and a refund conversation in the
   * store.
   */
  private RunInput conversation(Criterion... criteria) {
    return conversation(scripted(List.of(criteria), "Hi, order 1234 arrived broken."));
  }

  /** The same conversation, the simulated user played by an LLM. */
  private RunInput personaConversation(Criterion... criteria) {
    return conversation(simulated(List.of(criteria)));
  }

  private RunInput conversation(ScenarioSpec scenario) {
    RunInput run =
        DB.newRun(DB.scenario(scenario), agentId, modelId, settings(false, 5, FAST_RETRY));
    activities.startRun(run);
    activities.startRun(run); // idempotent
    DB.say(run, 0, Turn.USER, "Hi, order 1234 arrived broken. I'd like my money back.");
    DB.say(run, 1, Turn.AGENT, "I'm sorry to hear that. I have issued a REFUND of $25.");
    DB.say(run, 2, Turn.USER, "Thanks, that's all.");
    DB.say(run, 3, Turn.AGENT, "You're welcome! Reference: RF-20931.");
    return run;
  }

  private static Conclusion ended(RunInput run, TerminationReason reason) {
    return new Conclusion(run, reason, ErrorCategory.NONE, null, null);
  }

  /** Judges one criterion and returns its stored result. */
  private CriterionResult judge(Criterion criterion, TerminationReason reason) {
    RunInput run = conversation(criterion);
    Verdict verdict = activities.evaluate(ended(run, reason));
    Run stored = DB.stored(run);
    assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(stored.verdict()).isEqualTo(verdict);
    assertThat(stored.terminationReason()).isEqualTo(reason);
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.NONE);
    assertThat(stored.results()).hasSize(1);
    CriterionResult result = stored.results().get(0);
    assertThat(verdict).isEqualTo(result.passed() ? Verdict.SUCCESS : Verdict.FAILED);
    assertThat(result.type()).isEqualTo(criterion.type());
    assertThat(result.params()).isEqualTo(criterion.params());
    return result;
  }

  private CriterionResult judge(Criterion criterion) {
    return judge(criterion, TerminationReason.USER_STOP);
  }

  @Test
  void noCriteriaIsASuccess() {
    RunInput run = conversation();

    assertThat(activities.evaluate(ended(run, TerminationReason.MAX_TURNS)))
        .isEqualTo(Verdict.SUCCESS);
    assertThat(DB.stored(run).results()).isEmpty();
  }

  @Test
  void contains() {
    CriterionResult anyCase = judge(criterion("contains", Map.of("value", "refund")));
    assertThat(anyCase.passed()).isTrue();
    assertThat(anyCase.reason())
        .isEqualTo(
            "An agent message contains \"refund\": \"I'm sorry to hear that. I have issued a REFUND of $25.\"");

    assertThat(
            judge(criterion("contains", Map.of("value", "refund", "caseSensitive", true))).passed())
        .isFalse();
    CriterionResult byUser =
        judge(criterion("contains", Map.of("value", "money back", "role", "user")));
    assertThat(byUser.passed()).isTrue();
    CriterionResult missing =
        judge(criterion("contains", Map.of("value", "voucher", "role", "any")));
    assertThat(missing.passed()).isFalse();
    assertThat(missing.reason()).isEqualTo("No message contains \"voucher\"");
    assertThat(judge(criterion("contains", Map.of())).reason()).contains("no params.value");
  }

  @Test
  void notContains() {
    CriterionResult clean =
        judge(criterion("not_contains", Map.of("value", "sorry", "role", "user")));
    assertThat(clean.passed()).isTrue();
    assertThat(clean.reason()).isEqualTo("No user message contains \"sorry\"");

    CriterionResult apology = judge(criterion("not_contains", Map.of("value", "SORRY")));
    assertThat(apology.passed()).isFalse();
    assertThat(apology.reason()).startsWith("An agent message contains \"SORRY\"");
  }

  @Test
  void regex() {
    CriterionResult reference = judge(criterion("regex", Map.of("pattern", "RF-\\d{5}")));
    assertThat(reference.passed()).isTrue();
    assertThat(reference.reason()).isEqualTo("An agent message matches /RF-\\d{5}/: \"RF-20931\"");

    assertThat(judge(criterion("regex", Map.of("pattern", "order \\d+", "role", "agent"))).passed())
        .isFalse();
    assertThat(judge(criterion("regex", Map.of("pattern", "ORDER \\d+", "role", "user"))).passed())
        .isTrue();
  }

  @Test
  void invalidRegexFailsTheCriterionWithAReason() {
    CriterionResult result = judge(criterion("regex", Map.of("pattern", "refund(")));

    assertThat(result.passed()).isFalse();
    assertThat(result.reason())
        .startsWith("The pattern /refund(/ is not a valid regular expression: missing closing )");
  }

  /**
   * A pattern that backtracks for ages on java.util.regex runs in linear time: it cannot pin the
   * thread.
   */
  @Test
  void aCatastrophicPatternFinishesQuickly() {
    RunInput run =
        DB.newRun(
            DB.scenario(
                scripted(List.of(criterion("regex", Map.of("pattern", "(.*a){30}x"))), "Hi")),
            agentId,
            modelId,
            settings(false, 5, FAST_RETRY));
    activities.startRun(run);
    DB.say(run, 0, Turn.USER, "Hi");
    DB.say(run, 1, Turn.AGENT, "a".repeat(50));

    Verdict verdict =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> activities.evaluate(ended(run, TerminationReason.USER_STOP)));

    assertThat(verdict).isEqualTo(Verdict.FAILED);
    assertThat(DB.stored(run).results().get(0).reason())
        .isEqualTo("No agent message matches /(.*a){30}x/");
  }

  @Test
  void patternsRe2CannotRunFailWithAReason() {
    CriterionResult result = judge(criterion("regex", Map.of("pattern", "(RF)-\\d+ \\1")));

    assertThat(result.passed()).isFalse();
    assertThat(result.reason())
        .contains("is not a valid regular expression")
        .contains("no back-references");
  }

  @Test
  void maxTurns() {
    CriterionResult within = judge(criterion("max_turns", Map.of("max", 2)));
    assertThat(within.passed()).isTrue();
    assertThat(within.reason()).isEqualTo("The simulated user sent 2 messages; at most 2 allowed");

    assertThat(judge(criterion("max_turns", Map.of("max", 1))).passed()).isFalse();
    assertThat(judge(criterion("max_turns", Map.of("max", "three"))).reason())
        .contains("whole number params.max");
  }

  @Test
  void conversationEnded() {
    CriterionResult byUser =
        judge(criterion("conversation_ended", Map.of()), TerminationReason.USER_STOP);
    assertThat(byUser.passed()).isTrue();
    assertThat(byUser.reason())
        .isEqualTo("The conversation ended: the simulated user ended it (USER_STOP)");

    assertThat(
            judge(criterion("conversation_ended", Map.of()), TerminationReason.AGENT_STOP).passed())
        .isTrue();
    CriterionResult cutOff =
        judge(criterion("conversation_ended", Map.of()), TerminationReason.MAX_TURNS);
    assertThat(cutOff.passed()).isFalse();
    assertThat(cutOff.reason())
        .isEqualTo("The conversation did not end by itself: it stopped with MAX_TURNS");
  }

  @Test
  void unknownTypeFailsTheCriterion() {
    assertThat(judge(criterion("sentiment", Map.of())).reason())
        .isEqualTo("Unknown criterion type \"sentiment\"");
  }

  /** The judge's model answers a {@code text} criterion with this. */
  static void judgeAnswers(String content) {
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("impartial evaluator"))
            .willReturn(completion(content, 310, 25)));
  }

  /** The model answers the request for the user's experience with this. */
  static void summaryAnswers(String content) {
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("how the user experienced it"))
            .willReturn(completion(content, 280, 40)));
  }

  static final String SUMMARY =
      """
      {"sentiment": "positive", "summary": "Dana asked for a refund for a broken order. The agent issued it at once \
      and gave a reference. She left satisfied."}""";

  private static List<LoggedRequest> chatRequests(String containing) {
    return LLM.findAll(
        postRequestedFor(urlPathEqualTo(CHAT_PATH)).withRequestBody(containing(containing)));
  }

  @Test
  void llmJudgePassesCitingTurnsWithConfidence() {
    judgeAnswers(
        """
        ```json
        {"passed": true, "reason": "The agent issued a refund of $25 [2] and gave reference RF-20931 [4].",
         "turns": [2, 4], "confidence": 0.92}
        ```""");
    summaryAnswers(SUMMARY);

    CriterionResult result = judge(criterion("text", Map.of("text", "The agent issues a refund")));

    assertThat(result.passed()).isTrue();
    assertThat(result.reason())
        .isEqualTo("The agent issued a refund of $25 [2] and gave reference RF-20931 [4].");
    assertThat(result.turns()).containsExactly(2, 4);
    assertThat(result.confidence()).isEqualTo(0.92);
    List<Map<String, Object>> messages = chatMessages(chatRequests("impartial evaluator").get(0));
    assertThat(messages)
        .extracting(message -> message.get("role"))
        .containsExactly("system", "user");
    String question = (String) messages.get(1).get("content");
    assertThat(question)
        .contains(
            "Criterion:\nThe agent issues a refund",
            "[1] User: Hi, order 1234 arrived broken. I'd like my money back.",
            "[4] Agent: You're welcome! Reference: RF-20931.",
            "the simulated user ended it");
    // The judge sees the transcript and the criterion, not what the simulated user was told.
    assertThat(question).doesNotContain("Dana", "Say the lines", "Get a refund for order 1234");
  }

  @Test
  void llmJudgeFails() {
    judgeAnswers(
        """
        Verdict: {"passed": false, "reason": "The agent never asked for the order number; see [2].", \
        "turns": [2], "confidence": 0.7}""");
    summaryAnswers(SUMMARY);

    CriterionResult result =
        judge(criterion("text", Map.of("description", "The agent asks for the order number")));

    assertThat(result.passed()).isFalse();
    assertThat(result.reason()).isEqualTo("The agent never asked for the order number; see [2].");
    assertThat(result.turns()).containsExactly(2);
    assertThat(result.confidence()).isEqualTo(0.7);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Yes, the criterion is met.",
        "{\"passed\": \"maybe\", \"reason\": \"Unclear.\", \"confidence\": 0.5}",
        "{\"passed\": true, \"reason\": \"Refund issued [2].\", \"turns\": [2]}",
        "{\"passed\": true, \"reason\": \"Refund issued [2].\", \"turns\": [2], \"confidence\": 1.7}",
        "{\"passed\": true, \"reason\": \"Refund issued [9].\", \"turns\": [9], \"confidence\": 0.9}",
        "{\"passed\": true, \"reason\": \"  \", \"confidence\": 0.9}",
        "{\"passed\": true, \"reason\": \"Refund",
        ""
      })
  void judgeAnswerThatCannotBeReadIsARetryableProviderError(String answer) {
    RunInput run = conversation(criterion("text", Map.of("text", "The agent issues a refund")));
    judgeAnswers(answer);
    summaryAnswers(SUMMARY);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.evaluate(ended(run, TerminationReason.USER_STOP)));

    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("The model's judge answer could not be read");
    assertThat(DB.stored(run).status()).isEqualTo(RunStatus.RUNNING);
  }

  /**
   * The judge finds "The agent issues a refund" met at once; asked about "The agent gives a
   * reference", it fails the first time, then finds it met.
   */
  private static void judgeFailsOnTheReferenceOnce() {
    String verdict =
        "{\"passed\": true, \"reason\": \"Done [2].\", \"turns\": [2], \"confidence\": 0.9}";
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("The agent issues a refund"))
            .willReturn(completion(verdict, 300, 20)));
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("The agent gives a reference"))
            .inScenario("judge")
            .whenScenarioStateIs(STARTED)
            .willReturn(openAiError(503, "server_error", "overloaded"))
            .willSetStateTo("recovered"));
    LLM.stubFor(
        chatCompletions()
            .withRequestBody(containing("The agent gives a reference"))
            .inScenario("judge")
            .whenScenarioStateIs("recovered")
            .willReturn(completion(verdict, 300, 20)));
    summaryAnswers(SUMMARY);
  }

  @Test
  void aRetryAfterAJudgeFailedAsksTheModelOnlyForWhatFailed() {
    RunInput run =
        conversation(
            criterion("text", Map.of("text", "The agent issues a refund")),
            criterion("text", Map.of("text", "The agent gives a reference")));
    judgeFailsOnTheReferenceOnce();

    catchThrowableOfType(
        ApplicationFailure.class,
        () -> activities.evaluate(ended(run, TerminationReason.USER_STOP)));
    Verdict retried = activities.evaluate(ended(run, TerminationReason.USER_STOP));

    assertThat(retried).isEqualTo(Verdict.SUCCESS);
    assertThat(chatRequests("The agent issues a refund"))
        .as("judged once, kept for the retry")
        .hasSize(1);
    assertThat(chatRequests("The agent gives a reference")).hasSize(2);
    assertThat(DB.stored(run).results())
        .extracting(CriterionResult::passed)
        .containsExactly(true, true);
  }

  @Test
  void eachJudgementOfTheModelIsMadeOnItsOwnAndJudgingThenAsksNoMore() {
    RunInput run =
        conversation(
            criterion("text", Map.of("text", "The agent issues a refund")),
            criterion("contains", Map.of("value", "refund")),
            criterion("text", Map.of("text", "The agent gives a reference")));
    judgeFailsOnTheReferenceOnce();
    Conclusion ended = ended(run, TerminationReason.USER_STOP);

    assertThat(activities.modelJudgements(ended))
        .containsExactly("criterion:0", "criterion:2", "summary");
    activities.judge(ended, "criterion:0");
    ApplicationFailure failed =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.judge(ended, "criterion:2"));
    assertThat(failed.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(activities.modelJudgements(ended)).containsExactly("criterion:2", "summary");
    activities.judge(ended, "criterion:2");
    activities.judge(ended, "summary");
    assertThat(activities.modelJudgements(ended)).isEmpty();

    assertThat(activities.evaluate(ended)).isEqualTo(Verdict.SUCCESS);
    assertThat(chatRequests("The agent issues a refund")).as("judged once").hasSize(1);
    assertThat(chatRequests("The agent gives a reference"))
        .as("asked again after its failure only")
        .hasSize(2);
    assertThat(LLM.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH))))
        .as("evaluate asked nothing more")
        .hasSize(4);
    assertThat(DB.stored(run).results())
        .extracting(CriterionResult::passed)
        .containsExactly(true, true, true);
    assertThat(activities.modelJudgements(ended)).as("a judged run needs nothing").isEmpty();
  }

  @Test
  void judgeThatCannotBeReachedIsAProviderError() {
    RunInput run =
        conversation(
            criterion("text", Map.of("text", "The agent is polite")),
            criterion("contains", Map.of("value", "refund")));
    LLM.stubFor(
        chatCompletions()
            .willReturn(openAiError(503, "server_error", "The engine is currently overloaded")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.evaluate(ended(run, TerminationReason.USER_STOP)));

    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(DB.stored(run).status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void anLlmPersonaRunGetsTheModelsSentimentAndSummary() {
    summaryAnswers(SUMMARY);
    RunInput run = personaConversation(criterion("contains", Map.of("value", "refund")));

    assertThat(activities.evaluate(ended(run, TerminationReason.USER_STOP)))
        .isEqualTo(Verdict.SUCCESS);

    Run stored = DB.stored(run);
    assertThat(stored.sentiment()).isEqualTo("positive");
    assertThat(stored.summary())
        .isEqualTo(
            "Dana asked for a refund for a broken order. The agent issued it at once "
                + "and gave a reference. She left satisfied.");
    assertThat(stored.evaluation()).isEqualTo(1);
    assertThat(DB.evaluations.evaluations(UUID.fromString(run.runId())))
        .extracting(Evaluation::verdict, Evaluation::sentiment)
        .containsExactly(tuple(Verdict.SUCCESS, "positive"));
    List<LoggedRequest> asked = LLM.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)));
    assertThat(asked).hasSize(1);
    assertThat((String) chatMessages(asked.get(0)).get(1).get("content"))
        .contains("[2] Agent: I'm sorry to hear that. I have issued a REFUND of $25.");
    assertThat(
            DB.llmCalls
                .usageOfRuns(List.of(UUID.fromString(run.runId())))
                .get(UUID.fromString(run.runId()))
                .of(LlmRole.SUMMARY))
        .isEqualTo(new Usage.Tokens(280, 40, 1, null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "The user seemed happy.",
        "{\"sentiment\": \"ecstatic\", \"summary\": \"Refund issued.\"}",
        "{\"sentiment\": \"positive\"}"
      })
  void summaryThatCannotBeReadIsARetryableProviderError(String answer) {
    summaryAnswers(answer);
    RunInput run = personaConversation(criterion("contains", Map.of("value", "refund")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> activities.evaluate(ended(run, TerminationReason.USER_STOP)));

    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(DB.stored(run).status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void aScriptedRuleOnlyRunAsksNoModel() {
    RunInput run =
        conversation(
            criterion("contains", Map.of("value", "refund")),
            criterion("max_turns", Map.of("max", 5)));

    assertThat(activities.evaluate(ended(run, TerminationReason.USER_STOP)))
        .isEqualTo(Verdict.SUCCESS);

    Run stored = DB.stored(run);
    assertThat(stored.sentiment()).isNull();
    assertThat(stored.summary()).isNull();
    assertThat(stored.results())
        .allSatisfy(
            result -> {
              assertThat(result.confidence()).isNull();
              assertThat(result.turns()).isNull();
            });
    assertThat(LLM.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)))).isEmpty();
  }

  @Test
  void aJudgedRunIsNotJudgedAgain() {
    RunInput run = conversation(criterion("text", Map.of("text", "The agent issues a refund")));
    judgeAnswers(
        "{\"passed\": true, \"reason\": \"Refund issued [2].\", \"turns\": [2], \"confidence\": 1}");
    summaryAnswers(SUMMARY);

    assertThat(activities.evaluate(ended(run, TerminationReason.USER_STOP)))
        .isEqualTo(Verdict.SUCCESS);
    assertThat(activities.evaluate(ended(run, TerminationReason.USER_STOP)))
        .isEqualTo(Verdict.SUCCESS);
    assertThat(chatRequests("impartial evaluator")).hasSize(1);
    assertThat(chatRequests("how the user experienced it")).hasSize(1);
    assertThat(DB.evaluations.evaluations(UUID.fromString(run.runId()))).hasSize(1);
  }

  @Test
  void mixedResultsFail() {
    RunInput run =
        conversation(
            criterion("contains", Map.of("value", "refund")),
            criterion("max_turns", Map.of("max", 1)));

    assertThat(activities.evaluate(ended(run, TerminationReason.USER_STOP)))
        .isEqualTo(Verdict.FAILED);
    assertThat(DB.stored(run).results())
        .extracting(CriterionResult::passed)
        .containsExactly(true, false);
  }

  @Test
  void recordsAnError() {
    RunInput run = conversation(criterion("contains", Map.of("value", "refund")));

    activities.recordError(
        new Conclusion(
            run,
            TerminationReason.AGENT_ERROR,
            ErrorCategory.AI_AGENT_TIMEOUT,
            "The agent did not answer within 300 ms",
            "AgentTurn after retries: ..."));

    Run stored = DB.stored(run);
    assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(stored.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(stored.terminationReason()).isEqualTo(TerminationReason.AGENT_ERROR);
    assertThat(stored.errorCategory()).isEqualTo(ErrorCategory.AI_AGENT_TIMEOUT);
    assertThat(stored.errorMessage()).isEqualTo("The agent did not answer within 300 ms");
    assertThat(stored.technicalDetails()).isEqualTo("AgentTurn after retries: ...");
    assertThat(stored.results()).isEmpty();
    assertThat(stored.turns()).hasSize(4);
  }

  @Test
  void recordsAStop() {
    RunInput run = conversation();

    activities.recordStopped(
        new Conclusion(run, TerminationReason.CANCELLED, ErrorCategory.NONE, null, null));

    Run stored = DB.stored(run);
    assertThat(stored.status()).isEqualTo(RunStatus.STOPPED);
    assertThat(stored.terminationReason()).isEqualTo(TerminationReason.CANCELLED);
    assertThat(stored.batchStopped()).isTrue();
    assertThat(stored.turns()).hasSize(4);
  }
}
