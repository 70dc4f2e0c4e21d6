package dev.agentsim.activities;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentsim.activities.agent.AgentActivitiesImpl;
import dev.agentsim.activities.agent.AgentConnectors;
import dev.agentsim.activities.agent.AgentHttp;
import dev.agentsim.activities.agent.CognigyRestConnector;
import dev.agentsim.activities.agent.HttpAgentConnector;
import dev.agentsim.activities.agent.OpenAiChatAgent;
import dev.agentsim.activities.batch.BatchActivitiesImpl;
import dev.agentsim.activities.evaluation.CriteriaEvaluator;
import dev.agentsim.activities.evaluation.LlmJudge;
import dev.agentsim.activities.evaluation.RunActivitiesImpl;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.metrics.SimulationMetrics;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.activities.user.CounterAgentUser;
import dev.agentsim.activities.user.ForkReplay;
import dev.agentsim.activities.user.SimulatedUserActivitiesImpl;
import dev.agentsim.activities.webhook.WebhookDispatch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.store.webhook.WebhookRepository;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.batch.BatchWorkflowImpl;
import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import dev.agentsim.workflows.run.ConversationWorkflow;
import dev.agentsim.workflows.run.ConversationWorkflowImpl;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Session;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mockito.Mockito;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared fixtures: a real PostgreSQL with the store's schema, the store's repositories, the real
 * activity implementations wired by hand, WireMock playing the agent and an OpenAI-compatible LLM,
 * and a Temporal test environment running the real workflows.
 */
public final class ActivitiesTestSupport {

  public static final String PROJECT = "project-test";
  public static final String AGENT_PATH = "/agent";
  public static final String CHAT_PATH = "/v1/chat/completions";

  /** Small, so retries take milliseconds: 3 attempts, 10 ms apart at first, 5 s per attempt. */
  public static final RetrySettings FAST_RETRY = new RetrySettings(3, 10, 5);

  public static final JsonMapper JSON = JsonMapper.builder().build();

  /** Seals the secrets the tests store, and unseals them for the connectors and the LLM client. */
  public static final SecretBox SECRETS = SecretBox.ephemeral();

  /**
   * Outbound calls as the service makes them, allowing loopback: WireMock plays agents and models
   * there (the service allows it in embedded mode only).
   */
  public static final OutboundHttp OUTBOUND =
      new OutboundHttp(OutboundPolicy.allowing("127.0.0.1", "::1"), 1024 * 1024);

  /** Metrics into a registry of their own, which tests may read. */
  public static final SimulationMetrics METRICS =
      new SimulationMetrics(new SimpleMeterRegistry(), Mockito.mock(BatchRepository.class));

  private ActivitiesTestSupport() {}

  // --- WireMock -------------------------------------------------------------------------------

  /**
   * A WireMock server on a free port, reset before each test; register it as a static extension.
   */
  public static WireMockExtension wireMock() {
    return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  }

  public static MappingBuilder agentCall() {
    return post(urlPathEqualTo(AGENT_PATH));
  }

  public static MappingBuilder chatCompletions() {
    return post(urlPathEqualTo(CHAT_PATH));
  }

  /** The default contract's reply: {@code {"text": ..., "data": ..., "ended": ...}}. */
  public static ResponseDefinitionBuilder agentReply(String text, boolean ended) {
    return json(
        JSON.writeValueAsString(
            Map.of("text", text, "data", Map.of("intent", "answer"), "ended", ended)));
  }

  public static ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  /** A chat completion as OpenAI returns it, usage included. */
  public static ResponseDefinitionBuilder completion(String content) {
    return completion(content, 57, 12);
  }

  public static ResponseDefinitionBuilder completion(
      String content, int promptTokens, int completionTokens) {
    String body =
        """
        {
          "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
          "object": "chat.completion",
          "created": 1741570283,
          "model": "gpt-4o-mini-2024-07-18",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": %s,
                "refusal": null,
                "annotations": []
              },
              "logprobs": null,
              "finish_reason": "stop"
            }
          ],
          "usage": {
            "prompt_tokens": %d,
            "completion_tokens": %d,
            "total_tokens": %d,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
          },
          "service_tier": "default",
          "system_fingerprint": "fp_06737a9306"
        }
        """
            .formatted(
                JSON.writeValueAsString(content),
                promptTokens,
                completionTokens,
                promptTokens + completionTokens);
    return json(body).withHeader("x-request-id", "req_" + UUID.randomUUID());
  }

  /** A chat completion in which the model calls one tool instead of answering. */
  public static ResponseDefinitionBuilder toolCalls(String callId, String tool, String arguments) {
    String body =
        """
        {
          "id": "chatcmpl-%s",
          "object": "chat.completion",
          "created": 1741570283,
          "model": "gpt-4o-mini-2024-07-18",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [
                  {"id": %s, "type": "function", "function": {"name": %s, "arguments": %s}}
                ],
                "refusal": null
              },
              "finish_reason": "tool_calls"
            }
          ],
          "usage": {"prompt_tokens": 80, "completion_tokens": 20, "total_tokens": 100}
        }
        """
            .formatted(
                UUID.randomUUID(),
                JSON.writeValueAsString(callId),
                JSON.writeValueAsString(tool),
                JSON.writeValueAsString(arguments));
    return json(body);
  }

  /**
   * An OpenAI error body with the given status, as the API sends for bad keys, unknown models,
   * overload.
   */
  public static ResponseDefinitionBuilder openAiError(int status, String type, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
        {"error": {"message": %s, "type": "%s", "param": null, "code": null}}
        """
                .formatted(JSON.writeValueAsString(message), type));
  }

  /** The chat messages a logged chat-completions request sent, as {role, content} maps. */
  public static List<Map<String, Object>> chatMessages(LoggedRequest request) {
    Map<String, Object> body =
        JSON.readValue(request.getBodyAsString(), new TypeReference<Map<String, Object>>() {});
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
    return messages;
  }

  // --- Definitions ----------------------------------------------------------------------------

  public static HttpAgentConfig agentConfig(String baseUrl, int timeoutMs) {
    return new HttpAgentConfig(
        baseUrl + AGENT_PATH,
        null,
        Map.of("Authorization", "Bearer agent-secret"),
        timeoutMs,
        null,
        null,
        null,
        null);
  }

  public static ScenarioSpec scripted(List<Criterion> criteria, String... lines) {
    return new ScenarioSpec(
        "Scripted",
        new Persona("Sam", "A customer"),
        "Say the lines",
        criteria,
        10,
        "user",
        List.of(lines));
  }

  public static ScenarioSpec simulated(List<Criterion> criteria) {
    return new ScenarioSpec(
        "Refund",
        new Persona("Dana Whitfield", "A busy nurse, direct and a bit impatient"),
        "Get a refund for order 1234, which arrived broken.",
        criteria,
        10,
        "user",
        null);
  }

  public static Criterion criterion(String type, Map<String, Object> params) {
    return new Criterion(type, params);
  }

  public static RunSettings settings(boolean agentSpeaksFirst, int maxTurns, RetrySettings retry) {
    return new RunSettings(
        agentSpeaksFirst,
        maxTurns,
        100,
        0,
        new Session("user-42", "main", "en-US", Map.of("plan", "gold")),
        retry);
  }

  // --- PostgreSQL, store and activities -------------------------------------------------------

  /**
   * Embedded PostgreSQL with the store's Flyway schema, started once per test class. Register with
   * {@code @RegisterExtension static final Database DB = new Database();}.
   */
  public static final class Database implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedPostgres postgres;
    public DataSource dataSource;
    public DefinitionRepository definitions;
    public RunRepository runs;
    public TurnRepository turns;
    public EvaluationRepository evaluations;
    public LlmCallRepository llmCalls;
    public BatchRepository batches;
    public WebhookRepository webhooks;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      postgres = EmbeddedPostgres.start();
      dataSource = postgres.getPostgresDatabase();
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      JdbcClient jdbc = JdbcClient.create(dataSource);
      definitions = new DefinitionRepository(jdbc, JSON, SECRETS);
      turns = new TurnRepository(jdbc, JSON);
      evaluations = new EvaluationRepository(jdbc, JSON);
      runs = new RunRepository(jdbc, JSON, new JdbcTransactionManager(dataSource), turns);
      llmCalls = new LlmCallRepository(jdbc);
      batches = new BatchRepository(jdbc, JSON);
      webhooks = new WebhookRepository(jdbc, SECRETS);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      if (postgres != null) {
        postgres.close();
      }
    }

    /** Announces batches' ends to webhooks as the service does, on its default settings. */
    public WebhookDispatch webhookDispatch(WorkflowClient client) {
      return new WebhookDispatch(batches, webhooks, client, JSON, SimulatorSettings.of(Map.of()));
    }

    public UUID agent(HttpAgentConfig config) {
      return definitions
          .insert(PROJECT, Kind.AGENT, new AgentSpec("Support bot", "http", config))
          .id();
    }

    public UUID agent(AgentSpec spec) {
      return definitions.insert(PROJECT, Kind.AGENT, spec).id();
    }

    /** An OpenAI-compatible model at {@code baseUrl} (WireMock's, plus {@code /v1}). */
    public UUID model(String baseUrl) {
      return definitions
          .insert(
              PROJECT,
              Kind.MODEL,
              new ModelSpec(
                  "Test model", "openai", baseUrl + "/v1", "gpt-4o-mini", "sk-test-key", 0.7))
          .id();
    }

    public UUID scenario(ScenarioSpec spec) {
      return definitions.insert(PROJECT, Kind.SCENARIO, spec).id();
    }

    /** A new batch of one run in the store (not started) and the run's workflow input. */
    public RunInput newRun(UUID scenarioId, UUID agentId, UUID modelId, RunSettings settings) {
      UUID batchId = UUID.randomUUID();
      batches.insert(
          batchId,
          PROJECT,
          scenarioId,
          agentId,
          modelId,
          "Test batch",
          1,
          "http",
          Map.of(),
          "test",
          Map.of());
      return new RunInput(
          null,
          batchId.toString(),
          UUID.randomUUID().toString(),
          0,
          PROJECT,
          scenarioId.toString(),
          agentId.toString(),
          modelId.toString(),
          settings);
    }

    /** The run as {@code startRun} records it. */
    public RunInput startedRun(UUID scenarioId, UUID agentId, UUID modelId, RunSettings settings) {
      RunInput input = newRun(scenarioId, agentId, modelId, settings);
      ScenarioSpec scenario = definitions.get(Kind.SCENARIO, scenarioId, ScenarioSpec.class);
      runs.start(
          UUID.fromString(input.runId()),
          UUID.fromString(input.batchId()),
          input.sequence(),
          scenario.criteria(),
          settings.maxTurns(),
          settings);
      return input;
    }

    public void say(RunInput run, int sequence, String role, String text) {
      turns.addTurn(
          UUID.fromString(run.runId()), new Turn(sequence, role, text, null, null, Instant.now()));
    }

    public List<Turn> turns(RunInput run) {
      return turns.turns(UUID.fromString(run.runId()));
    }

    public Run stored(RunInput run) {
      return runs.find(UUID.fromString(run.batchId()), UUID.fromString(run.runId())).orElseThrow();
    }

    /** The real activity implementations over this database, wired as Spring would. */
    public Activities activities(Duration llmTimeout) {
      LlmClient llm = new LlmClient(llmCalls, OUTBOUND, SECRETS, llmTimeout, METRICS);
      TurnKeeper keeper = new TurnKeeper(runs, turns, definitions);
      RunActivitiesImpl run =
          new RunActivitiesImpl(
              runs,
              new CriteriaEvaluator(definitions, new LlmJudge(llm, JSON), evaluations),
              keeper,
              METRICS);
      OpenAiChatAgent chat = new OpenAiChatAgent(definitions, turns, llm, JSON, keeper);
      SimulatedUserActivitiesImpl user =
          new SimulatedUserActivitiesImpl(
              definitions,
              runs,
              turns,
              llm,
              new CounterAgentUser(definitions, runs, turns, connectors(), chat, keeper),
              keeper,
              new ForkReplay(turns, keeper));
      return new Activities(
          new AgentActivitiesImpl(definitions, connectors(), chat, keeper, user, METRICS),
          user,
          run);
    }
  }

  /** The connectors of remote agents, as Spring wires them. */
  public static AgentConnectors connectors() {
    AgentHttp http = new AgentHttp(JSON, OUTBOUND, SECRETS);
    return new AgentConnectors(
        new HttpAgentConnector(JSON, http), new CognigyRestConnector(JSON, http));
  }

  public record Activities(
      AgentActivitiesImpl agent, SimulatedUserActivitiesImpl user, RunActivitiesImpl run) {}

  // --- Temporal -------------------------------------------------------------------------------

  /**
   * A Temporal test server in real time (no time skipping: the activities do real HTTP) with one
   * worker on the simulation task queue running the real workflows and activities.
   */
  public static final class Temporal implements AutoCloseable {

    public final TestWorkflowEnvironment env;
    public final Worker worker;

    private Temporal(TestWorkflowEnvironment env, Worker worker) {
      this.env = env;
      this.worker = worker;
    }

    public static Temporal start(Database db, Activities activities) {
      return start(db, activities, env -> {});
    }

    /**
     * @param more registers more workers before the environment starts
     */
    public static Temporal start(
        Database db, Activities activities, Consumer<TestWorkflowEnvironment> more) {
      TestWorkflowEnvironment env =
          TestWorkflowEnvironment.newInstance(
              TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      for (String name :
          List.of(
              SimulationSearchAttributes.PROJECT.getName(),
              SimulationSearchAttributes.BATCH.getName(),
              SimulationSearchAttributes.SCENARIO.getName(),
              SimulationSearchAttributes.STATUS.getName())) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker worker = env.newWorker(TaskQueues.SIMULATION);
      worker.registerWorkflowImplementationTypes(
          ConversationWorkflowImpl.class, BatchWorkflowImpl.class);
      worker.registerActivitiesImplementations(
          activities.agent(),
          activities.user(),
          activities.run(),
          new BatchActivitiesImpl(
              db.batches,
              db.runs,
              env.getWorkflowClient(),
              db.webhookDispatch(env.getWorkflowClient())));
      more.accept(env);
      env.start();
      return new Temporal(env, worker);
    }

    /** Runs one conversation workflow to its end. */
    public RunOutcome converse(RunInput input) {
      return env.getWorkflowClient()
          .newWorkflowStub(
              ConversationWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TaskQueues.SIMULATION)
                  .setWorkflowId("run-" + input.runId())
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                  .build())
          .run(input);
    }

    @Override
    public void close() {
      env.close();
    }
  }
}
