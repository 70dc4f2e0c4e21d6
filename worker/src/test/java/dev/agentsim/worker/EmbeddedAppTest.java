package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole application in embedded mode (in-process Temporal, embedded PostgreSQL) on a random
 * port, with WireMock playing the agents under test and an OpenAI-compatible LLM.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "simulator.retry.max-attempts=2",
      "simulator.retry.initial-interval-ms=50",
      "simulator.retry.attempt-timeout-seconds=10",
      "simulator.webhooks.initial-interval=100ms",
      "simulator.webhooks.max-interval=200ms",
    })
abstract class EmbeddedAppTest {

  static final String PROJECT = "e2e";

  /** What the judge is asked about; the fake LLM answers as a judge when it sees it. */
  static final String JUDGED_CRITERION = "The agent confirms the order with an order number";

  /**
   * What the request for the simulated user's experience says; the fake LLM answers with a summary
   * then.
   */
  static final String EXPERIENCE_QUESTION = "how the user experienced it";

  static final String SUMMARY =
      "Sam ordered a pizza margherita. The agent confirmed it with order number 7.";

  static final WireMockServer fakes = new WireMockServer(options().dynamicPort());

  static {
    fakes.start();
    Runtime.getRuntime().addShutdownHook(new Thread(fakes::stop));
  }

  @LocalServerPort int port;

  Http http;

  @BeforeEach
  void setUpFakes() {
    http = new Http(port);
    fakes.resetAll();
    fakes.stubFor(
        post(urlEqualTo("/agent"))
            .willReturn(
                okJson(
                    """
        {"text": "Your order is confirmed, order number 7.", "data": {"order": 7}, "ended": false}""")));
    fakes.stubFor(
        post(urlEqualTo("/slow-agent"))
            .willReturn(
                okJson(
                        """
        {"text": "Let me check that for you.", "ended": false}""")
                    .withFixedDelay(1_500)));
    fakes.stubFor(
        post(urlEqualTo("/broken-agent")).willReturn(aResponse().withStatus(500).withBody("boom")));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(5)
            .willReturn(okJson(chatCompletion("I would like a large pizza margherita, please."))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing(JUDGED_CRITERION))
            .willReturn(
                okJson(
                    chatCompletion(
                        "{\\\"passed\\\": true, \\\"reason\\\": \\\"The agent gave order number 7 [2].\\\", "
                            + "\\\"turns\\\": [2], \\\"confidence\\\": 0.9}"))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing(EXPERIENCE_QUESTION))
            .willReturn(
                okJson(
                    chatCompletion(
                        "{\\\"sentiment\\\": \\\"positive\\\", \\\"summary\\\": \\\""
                            + SUMMARY
                            + "\\\"}"))));
  }

  static String chatCompletion(String escapedContent) {
    return """
        {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "fake-model",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s"}, "finish_reason": "stop"}],
         "usage": {"prompt_tokens": 42, "completion_tokens": 12, "total_tokens": 54}}"""
        .formatted(escapedContent);
  }

  String createAgent(String path) {
    Http.Response created =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "agent at " + path,
                "type",
                "http",
                "config",
                Map.of(
                    "url",
                    fakes.baseUrl() + path,
                    "timeoutMs",
                    5_000,
                    "headers",
                    Map.of("Authorization", "Bearer agent-secret"))));
    assertThat(created.status()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  String createModel() {
    Http.Response created =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "fake LLM",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "model",
                "fake-model",
                "apiKey",
                "sk-test-secret",
                "temperature",
                0.2));
    assertThat(created.status()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  String createScenario(Map<String, Object> overrides) {
    Map<String, Object> scenario =
        new java.util.HashMap<>(
            Map.of(
                "name",
                "Order a pizza",
                "persona",
                Map.of("name", "Sam", "description", "Hungry and impatient"),
                "mission",
                "Order a large pizza margherita and get an order number",
                "successCriteria",
                List.of(
                    Map.of("type", "contains", "params", Map.of("value", "confirmed")),
                    Map.of("type", "text", "params", Map.of("text", JUDGED_CRITERION)),
                    Map.of("type", "max_turns", "params", Map.of("max", 3))),
                "maxTurns",
                3));
    scenario.putAll(overrides);
    Http.Response created = http.post("/v1/scenarios?projectId=" + PROJECT, scenario);
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  Http.Response schedule(String scenarioId, Map<String, Object> body) {
    return http.post("/simulations/" + scenarioId + "/schedule?projectId=" + PROJECT, body);
  }

  static Map<String, Object> scheduleBody(
      String agentId, String modelId, int runs, Map<String, Object> extra) {
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of(
                "projectReference",
                PROJECT,
                "name",
                "e2e batch",
                "numberOfExecutions",
                runs,
                "endPointType",
                "api",
                "runConfig",
                Map.of(
                    "flowReferenceId",
                    agentId,
                    "entrypoint",
                    "main",
                    "largeLanguageModelReferenceId",
                    modelId,
                    "userId",
                    "tester",
                    "data",
                    Map.of("tier", "gold"))));
    body.putAll(extra);
    return body;
  }

  Map<String, Object> awaitBatch(String scenarioId, String batchId, String status) {
    String path = "/simulations/" + scenarioId + "/batches/" + batchId + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !List.of("pending", "running").contains(http.get(path).body().get("status")));
    Map<String, Object> batch = http.get(path).body();
    assertThat(batch.get("status")).as("%s", batch).isEqualTo(status);
    return batch;
  }
}
