package dev.agentsim.activities.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.agentsim.activities.ActivitiesTestSupport.CHAT_PATH;
import static dev.agentsim.activities.ActivitiesTestSupport.FAST_RETRY;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.SECRETS;
import static dev.agentsim.activities.ActivitiesTestSupport.agentConfig;
import static dev.agentsim.activities.ActivitiesTestSupport.chatCompletions;
import static dev.agentsim.activities.ActivitiesTestSupport.completion;
import static dev.agentsim.activities.ActivitiesTestSupport.openAiError;
import static dev.agentsim.activities.ActivitiesTestSupport.scripted;
import static dev.agentsim.activities.ActivitiesTestSupport.settings;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmRole;
import dev.langchain4j.data.message.UserMessage;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Model calls failing inside a Temporal activity, as the simulated user's and the judge's are: what
 * Temporal retries, when, and what the failure tells.
 */
class LlmRetryTest {

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension LLM = wireMock();

  private static final String QUEUE = "llm-retry-test";
  private static final String KEY = "sk-proj-very-secret-key";

  private static TestWorkflowEnvironment env;
  private static UUID runId;

  /** One model call, by model id. */
  @ActivityInterface
  public interface ModelCall {
    String ask(String modelId);
  }

  @WorkflowInterface
  public interface AskWorkflow {
    @WorkflowMethod
    String ask(String modelId);
  }

  public static class AskWorkflowImpl implements AskWorkflow {
    private final ModelCall call =
        Workflow.newActivityStub(
            ModelCall.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(10))
                        .setMaximumAttempts(3)
                        .build())
                .build());

    @Override
    public String ask(String modelId) {
      return call.ask(modelId);
    }
  }

  static class ModelCallImpl implements ModelCall {
    private final LlmClient llm =
        new LlmClient(
            DB.llmCalls, OUTBOUND, SECRETS, Duration.ofSeconds(5), ActivitiesTestSupport.METRICS);

    @Override
    public String ask(String modelId) {
      UUID id = UUID.fromString(modelId);
      ModelSpec spec = DB.definitions.get(Kind.MODEL, id, ModelSpec.class);
      return llm.chat(
              runId, LlmRole.USER, id, spec, List.of(UserMessage.from("Agent: How can I help?")))
          .text();
    }
  }

  @BeforeAll
  static void start() {
    UUID scenario = DB.scenario(scripted(List.of(), "hello"));
    UUID agent = DB.agent(agentConfig(LLM.baseUrl(), 1_000));
    runId =
        UUID.fromString(
            DB.startedRun(scenario, agent, DB.model(LLM.baseUrl()), settings(false, 5, FAST_RETRY))
                .runId());
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AskWorkflowImpl.class);
    worker.registerActivitiesImplementations(new ModelCallImpl());
    env.start();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static String ask() {
    UUID modelId =
        DB.definitions
            .insert(
                PROJECT,
                Kind.MODEL,
                new ModelSpec("OpenAI", "openai", LLM.baseUrl() + "/v1", "gpt-4o-mini", KEY, 0.7))
            .id();
    return env.getWorkflowClient()
        .newWorkflowStub(
            AskWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("ask-" + UUID.randomUUID())
                .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                .build())
        .ask(modelId.toString());
  }

  private static List<LoggedRequest> requests() {
    return LLM.findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)));
  }

  @Test
  void rateLimitIsRetriedAfterTheProvidersRetryAfter() {
    LLM.stubFor(
        chatCompletions()
            .inScenario("busy")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                openAiError(429, "requests", "Rate limit reached for gpt-4o-mini")
                    .withHeader("Retry-After", "2"))
            .willSetStateTo("free"));
    LLM.stubFor(
        chatCompletions()
            .inScenario("busy")
            .whenScenarioStateIs("free")
            .willReturn(completion("I'd like a refund, please.")));

    assertThat(ask()).isEqualTo("I'd like a refund, please.");

    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(2);
    long waited =
        requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
    assertThat(waited).as("ms between the attempts").isGreaterThanOrEqualTo(1_900);
  }

  @Test
  void serverErrorIsRetried() {
    LLM.stubFor(
        chatCompletions()
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(openAiError(503, "server_error", "The server is overloaded"))
            .willSetStateTo("up"));
    LLM.stubFor(
        chatCompletions()
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(completion("Where is my refund?")));

    assertThat(ask()).isEqualTo("Where is my refund?");
    assertThat(requests()).hasSize(2);
  }

  @Test
  void rejectedKeyIsNotRetriedAndTellsWhy() {
    LLM.stubFor(
        chatCompletions()
            .willReturn(
                openAiError(
                    401,
                    "invalid_request_error",
                    "Incorrect API key provided: "
                        + KEY
                        + ". You can find your API key at https://platform.openai.com/account/api-keys.")));

    WorkflowFailedException failed =
        catchThrowableOfType(WorkflowFailedException.class, LlmRetryTest::ask);

    assertThat(requests()).hasSize(1);
    ActivityFailure activity = (ActivityFailure) failed.getCause();
    ApplicationFailure failure = (ApplicationFailure) activity.getCause();
    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "The model provider rejected the credentials (HTTP 401): check the model's API key");
    String details = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
    assertThat(details)
        .startsWith("HTTP 401: ")
        .contains("Incorrect API key provided")
        .doesNotContain(KEY);
  }
}
