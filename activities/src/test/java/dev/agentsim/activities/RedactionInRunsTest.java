package dev.agentsim.activities;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.openAiError;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.simulated;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport.Activities;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.ActivitiesTestSupport.Temporal;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.run.Run;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Session;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets of the agent, the counter agent and the model never reach what a failed run keeps:
 * blanked where they stand as whole tokens, and a remote party's answer quoted only in part.
 */
class RedactionInRunsTest {

  private static final RetrySettings RETRY = new RetrySettings(2, 10, 10);

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension SERVER = wireMock();

  private static Temporal temporal;

  @BeforeAll
  static void start() {
    Activities activities = DB.activities(Duration.ofSeconds(2));
    temporal = Temporal.start(DB, activities);
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void aOneCharacterModelKeyLeavesTheWordsAroundItAlone() {
    UUID model = model("http://127.0.0.1:1/v1", "k");
    RunInput run =
        DB.newRun(
            DB.scenario(simulated(List.of())), agent("/agent", Map.of()), model, settings(null));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.category()).isEqualTo(ErrorCategory.LLM_PROVIDER_ERROR);
    Run stored = DB.stored(run);
    assertThat(stored.errorMessage()).isEqualTo("The model provider could not be reached");
    assertThat(stored.technicalDetails()).contains("UncheckedIOException").doesNotContain("***");
  }

  @Test
  void aModelKeyEchoedByTheProviderIsBlankedWhereItStandsAlone() {
    UUID model = model(SERVER.baseUrl() + "/v1", "k");
    SERVER.stubFor(
        chatCompletions()
            .willReturn(
                openAiError(
                    401,
                    "invalid_request_error",
                    "Incorrect API key provided: k. You can find your API key at https://platform.openai.com/account/api-keys.")));
    RunInput run =
        DB.newRun(
            DB.scenario(simulated(List.of())), agent("/agent", Map.of()), model, settings(null));

    temporal.converse(run);

    Run stored = DB.stored(run);
    assertThat(stored.errorMessage()).contains("rejected the credentials");
    assertThat(stored.technicalDetails())
        .contains(
            "Incorrect API key provided: ***. You can find your API key at "
                + "https://platform.openai.com/account/api-keys.");
  }

  @Test
  void theAgentsHeaderValuesAreBlankedAndItsAnswerQuotedOnlyInPart() {
    SERVER.stubFor(
        post(urlPathEqualTo("/guarded"))
            .withHeader("X-Api-Key", equalTo("tok-123"))
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withBody(
                        "rejected X-Api-Key tok-123, expected tok-1234: " + "z".repeat(5_000))));
    RunInput run =
        DB.newRun(
            DB.scenario(scripted(List.of(), "Hello")),
            agent("/guarded", Map.of("X-Api-Key", "tok-123")),
            model(SERVER.baseUrl() + "/v1", "sk-x"),
            settings(null));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome)
        .isEqualTo(
            new RunOutcome(
                0, Verdict.ERROR, TerminationReason.AGENT_ERROR, ErrorCategory.AI_AGENT_ERROR));
    Run stored = DB.stored(run);
    assertThat(stored.errorMessage()).isEqualTo("The agent answered HTTP 500");
    assertThat(stored.technicalDetails())
        .contains("answered HTTP 500: rejected X-Api-Key ***, expected tok-1234: ")
        .doesNotContain("tok-123,")
        .doesNotContain("z".repeat(Failures.EXCERPT_CHARS));
    assertThat(stored.turns()).extracting(turn -> turn.text()).containsExactly("Hello");
  }

  @Test
  void theCounterAgentsHeaderValuesAreBlankedToo() {
    SERVER.stubFor(
        post(urlPathEqualTo("/counter"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody("{\"error\": \"Bearer c0unter-secret is not allowed\"}")));
    UUID counter = agent("/counter", Map.of("Authorization", "Bearer c0unter-secret"));
    RunInput run =
        DB.newRun(
            DB.scenario(simulated(List.of())),
            agent("/agent", Map.of()),
            model(SERVER.baseUrl() + "/v1", "sk-x"),
            settings(counter));

    RunOutcome outcome = temporal.converse(run);

    assertThat(outcome.reason()).isEqualTo(TerminationReason.USER_ERROR);
    Run stored = DB.stored(run);
    assertThat(stored.errorMessage()).startsWith("The counter agent playing the user failed");
    assertThat(stored.technicalDetails())
        .contains("{\"error\": \"*** is not allowed\"}")
        .doesNotContain("c0unter-secret");
  }

  private static UUID agent(String path, Map<String, String> headers) {
    return DB.agent(
        new AgentSpec(
            "Guarded bot",
            "http",
            new HttpAgentConfig(
                SERVER.baseUrl() + path, null, headers, 2_000, null, null, null, null)));
  }

  private static UUID model(String baseUrl, String key) {
    return DB.definitions
        .insert(
            PROJECT,
            Kind.MODEL,
            new ModelSpec("Keyed model", "openai", baseUrl, "gpt-4o-mini", key, 0.7))
        .id();
  }

  private static RunSettings settings(UUID counterAgent) {
    return new RunSettings(
        false,
        3,
        100,
        0,
        new Session("user-1", null, null, Map.of()),
        RETRY,
        null,
        null,
        counterAgent == null ? null : counterAgent.toString(),
        null);
  }
}
