package dev.agentsim.activities.user;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.chatMessages;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport.Activities;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Session;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The LLM-played user as a scenario and its persona describe it: what its instructions say, how its
 * end signals are read, the premature-stop guard, the first message and dynamic variables. WireMock
 * speaks the OpenAI API; the activity is called turn by turn, as the workflow would.
 */
class PersonaUserTest {

  private static final RetrySettings RETRY = new RetrySettings(2, 10, 10);

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension SERVER = wireMock();

  private static Activities activities;
  private static UUID agentId;
  private static UUID modelId;

  @BeforeAll
  static void start() {
    activities = DB.activities(Duration.ofSeconds(5));
    agentId = DB.agent(agentConfig(SERVER.baseUrl(), 2_000));
    modelId = DB.model(SERVER.baseUrl());
  }

  /** A stored persona whose facts depend on the variables {@code order} and {@code city}. */
  private static UUID persona() {
    Map<String, String> traits = new LinkedHashMap<>();
    traits.put("patience", "low");
    traits.put("tech-savviness", "high");
    Map<String, String> known = new LinkedHashMap<>();
    known.put("orderNumber", "{{order}}");
    known.put("email", "dana@example.org");
    return DB.definitions
        .insert(
            PROJECT,
            Kind.PERSONA,
            new PersonaSpec(
                "Dana from {{city}}",
                "A busy nurse",
                traits,
                "German",
                known,
                "Writes in lowercase, no greetings"))
        .id();
  }

  private static ScenarioSpec scenario(UUID personaId, String firstMessage, Integer minTurns) {
    return new ScenarioSpec(
        "Refund",
        null,
        "Get a refund for order {{order}}, which arrived broken.",
        List.of(),
        10,
        "user",
        null,
        personaId,
        Map.of("order", "1234", "city", "Graz"),
        firstMessage,
        minTurns);
  }

  private static RunSettings settings(Map<String, String> batchVariables) {
    return new RunSettings(
        false, 10, 100, 0, new Session("user-1", "main", "de-AT", Map.of()), RETRY, batchVariables);
  }

  private static RunInput run(ScenarioSpec scenario, Map<String, String> batchVariables) {
    return DB.startedRun(DB.scenario(scenario), agentId, modelId, settings(batchVariables));
  }

  private static List<LoggedRequest> llmRequests() {
    return SERVER.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)));
  }

  private static String systemPrompt() {
    List<LoggedRequest> requests = llmRequests();
    assertThat(requests).isNotEmpty();
    return (String) chatMessages(requests.get(requests.size() - 1)).get(0).get("content");
  }

  /** What the run recorded about its simulated user: prompt version and end signal. */
  private static Map<String, Object> recorded(RunInput run) {
    return JdbcClient.create(DB.dataSource)
        .sql("select user_prompt_version, user_end_signal from runs where id = :id")
        .param("id", UUID.fromString(run.runId()))
        .query()
        .singleRow();
  }

  @Test
  void promptCarriesPersonaMissionAndKnownFactsAndNothingElse() {
    RunInput run = run(scenario(persona(), null, null), null);
    SERVER.stubFor(
        chatCompletions().willReturn(completion("hallo, meine bestellung ist kaputt angekommen.")));

    TurnResult result = activities.user().userTurn(new TurnRequest(run, 0, 0));

    assertThat(result).isEqualTo(new TurnResult(1, false));
    String prompt = systemPrompt();
    assertThat(prompt)
        .contains(
            "Dana from Graz",
            "A busy nurse",
            "patience: low",
            "tech-savviness: high",
            "German",
            "Writes in lowercase, no greetings",
            "Get a refund for order 1234, which arrived broken.",
            "orderNumber: 1234",
            "email: dana@example.org",
            "only when the agent asks",
            "Never make up facts",
            "do not know",
            "one message at a time",
            "###STOP###",
            "###OUT-OF-SCOPE###",
            "###TRANSFER###");
    assertThat(prompt).doesNotContain("{{", "invent");
    // The only number the user may know is the one it was given.
    Matcher numbers = Pattern.compile("\\d+").matcher(prompt);
    while (numbers.find()) {
      assertThat(numbers.group()).isEqualTo("1234");
    }
    assertThat(recorded(run))
        .containsEntry("user_prompt_version", "user-v2")
        .containsEntry("user_end_signal", null);
  }

  @Test
  void personaWithoutKnownFactsIsToldItKnowsNone() {
    RunInput run =
        run(
            new ScenarioSpec(
                "Chat",
                new ScenarioSpec.Persona("Kim", null),
                "Ask about opening hours.",
                List.of(),
                5,
                "user",
                null),
            null);
    SERVER.stubFor(chatCompletions().willReturn(completion("When are you open?")));

    activities.user().userTurn(new TurnRequest(run, 0, 0));

    assertThat(systemPrompt())
        .contains("Kim", "Ask about opening hours.", "You were given no particular facts")
        .doesNotContain("These facts are true for you");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "Great, it's refunded. Thanks! ###STOP###          | DONE       | Great, it's refunded. Thanks!",
        "You clearly can't help me. ###OUT-OF-SCOPE###     | IMPOSSIBLE | You clearly can't help me.",
        "Okay, put me through. ###TRANSFER###              | TRANSFER   | Okay, put me through.",
        "`###TRANSFER###`                                  | TRANSFER   | \"\"",
        "forget it ## Out of Scope ##                      | IMPOSSIBLE | forget it",
        "###stop###                                        | DONE       | \"\"",
      })
  void endSignalEndsTheConversationAndIsRecorded(String answer, String signal, String lastMessage) {
    RunInput run = run(scenario(persona(), null, null), null);
    DB.say(run, 0, Turn.USER, "meine bestellung 1234 ist kaputt.");
    DB.say(run, 1, Turn.AGENT, "Das tut mir leid.");
    SERVER.stubFor(chatCompletions().willReturn(completion(answer)));

    TurnResult result = activities.user().userTurn(new TurnRequest(run, 2, 1));

    assertThat(result.ended()).isTrue();
    assertThat(recorded(run)).containsEntry("user_end_signal", signal);
    if (lastMessage.isEmpty()) {
      assertThat(result.nextSequence()).isEqualTo(2);
      assertThat(DB.turns(run)).hasSize(2);
    } else {
      assertThat(result.nextSequence()).isEqualTo(3);
      assertThat(DB.turns(run).get(2).text()).isEqualTo(lastMessage);
    }
  }

  @Test
  void stopBeforeMinTurnsKeepsTheMessageAndGoesOn() {
    RunInput run = run(scenario(persona(), null, 3), null);
    DB.say(run, 0, Turn.USER, "meine bestellung ist kaputt.");
    DB.say(run, 1, Turn.AGENT, "Welche Bestellnummer?");
    SERVER.stubFor(chatCompletions().willReturn(completion("1234. danke! ###STOP###")));

    TurnResult early = activities.user().userTurn(new TurnRequest(run, 2, 1));

    assertThat(early).isEqualTo(new TurnResult(3, false));
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .last()
        .isEqualTo(tuple("user", "1234. danke!"));
    assertThat(recorded(run)).containsEntry("user_end_signal", null);
    assertThat(systemPrompt())
        .contains("Send at least 3 messages before you end the conversation.");

    DB.say(run, 3, Turn.AGENT, "Erstattet.");
    DB.say(run, 4, Turn.USER, "wann kommt das geld?");
    DB.say(run, 5, Turn.AGENT, "In drei Tagen.");
    TurnResult inTime = activities.user().userTurn(new TurnRequest(run, 6, 3));

    assertThat(inTime).isEqualTo(new TurnResult(7, true));
    assertThat(recorded(run)).containsEntry("user_end_signal", "DONE");
  }

  @Test
  void bareStopBeforeMinTurnsIsAskedAgain() {
    RunInput run = run(scenario(persona(), null, null), null);
    SERVER.stubFor(chatCompletions().willReturn(completion("###STOP###")));

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.user().userTurn(new TurnRequest(run, 0, 0)));

    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("before 1 exchange");
    assertThat(DB.turns(run)).isEmpty();
    assertThat(recorded(run)).containsEntry("user_end_signal", null);
  }

  @Test
  void firstMessageIsSaidWithVariablesFilledAndWithoutAskingTheModel() {
    RunInput run =
        run(
            scenario(
                persona(),
                "Hallo, hier ist {{ city }} wegen Bestellung {{order}} ({{ticket}})",
                null),
            Map.of("order", "9999"));

    TurnResult result = activities.user().userTurn(new TurnRequest(run, 0, 0));

    assertThat(result).isEqualTo(new TurnResult(1, false));
    assertThat(DB.turns(run))
        .extracting(Turn::role, Turn::text)
        .containsExactly(tuple("user", "Hallo, hier ist Graz wegen Bestellung 9999 ({{ticket}})"));
    assertThat(llmRequests()).isEmpty();
    assertThat(recorded(run)).containsEntry("user_prompt_version", "user-v2");
  }

  @Test
  void batchVariablesOverrideTheScenarios() {
    RunInput run = run(scenario(persona(), null, null), Map.of("order", "9999"));
    SERVER.stubFor(chatCompletions().willReturn(completion("meine bestellung 9999 ist kaputt.")));

    activities.user().userTurn(new TurnRequest(run, 0, 0));

    assertThat(systemPrompt())
        .contains("Get a refund for order 9999", "orderNumber: 9999", "Dana from Graz")
        .doesNotContain("1234");
  }

  @Test
  void deletedPersonaFailsTheRunForGood() {
    UUID personaId = persona();
    RunInput run = run(scenario(personaId, null, null), null);
    DB.definitions.delete(PROJECT, Kind.PERSONA, personaId);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> activities.user().userTurn(new TurnRequest(run, 0, 0)));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("The persona no longer exists");
    assertThat(llmRequests()).isEmpty();
  }

  @Test
  void scriptedUserRecordsItsVersionAndFillsVariables() {
    ScenarioSpec script = scripted(List.of(), "Order {{order}} please");
    ScenarioSpec withVariables =
        new ScenarioSpec(
            script.name(),
            script.persona(),
            script.mission(),
            List.of(),
            10,
            "user",
            script.script(),
            null,
            Map.of("order", "1234"),
            null,
            null);
    RunInput run = run(withVariables, Map.of("order", "77"));

    activities.user().userTurn(new TurnRequest(run, 0, 0));

    assertThat(DB.turns(run)).extracting(Turn::text).containsExactly("Order 77 please");
    assertThat(recorded(run)).containsEntry("user_prompt_version", "script");
  }
}
