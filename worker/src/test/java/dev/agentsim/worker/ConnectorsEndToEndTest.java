package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Agents of type openai-chat and cognigy-rest, created through the API, complete batches scheduled
 * through Cognigy's.
 */
class ConnectorsEndToEndTest extends EmbeddedAppTest {

  /**
   * What the openai-chat agent's system prompt says; the fake LLM answers as the agent when it sees
   * it.
   */
  private static final String AGENT_PROMPT = "You are PizzaBot, taking pizza orders.";

  private static String toolCall() {
    return """
        {"id": "chatcmpl-2", "object": "chat.completion", "created": 1700000000, "model": "fake-model",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": [
           {"id": "call_7", "type": "function",
            "function": {"name": "place_order", "arguments": "{\\"pizza\\":\\"margherita\\"}"}}]},
           "finish_reason": "tool_calls"}],
         "usage": {"prompt_tokens": 60, "completion_tokens": 15, "total_tokens": 75}}""";
  }

  @Test
  @SuppressWarnings("unchecked")
  void anOpenAiChatAgentCallsItsToolAndTheRunShowsTheToolTurn() {
    String model = createModel();
    // The agent's model: a tool call first, the confirmation once it has the tool's result.
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(2)
            .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo(AGENT_PROMPT)))
            .willReturn(okJson(toolCall())));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo(AGENT_PROMPT)))
            .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
            .willReturn(okJson(chatCompletion("Your order is confirmed, order number 7."))));
    Http.Response agent =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "PizzaBot",
                "type",
                "openai-chat",
                "config",
                Map.of(
                    "modelId",
                    model,
                    "systemPrompt",
                    AGENT_PROMPT,
                    "tools",
                    List.of(
                        Map.of(
                            "name",
                            "place_order",
                            "description",
                            "Places a pizza order",
                            "parameters",
                            Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("pizza", Map.of("type", "string"))))))));
    assertThat(agent.status()).as("%s", agent.body()).isEqualTo(201);
    String scenario =
        createScenario(
            Map.of(
                "maxTurns",
                1,
                "successCriteria",
                List.of(
                    Map.of(
                        "type",
                        "tool_called",
                        "params",
                        Map.of(
                            "name",
                            "place_order",
                            "arguments",
                            Map.of("pizza", "margherita"),
                            "times",
                            1)),
                    Map.of("type", "contains", "params", Map.of("value", "confirmed")))));

    Http.Response scheduled =
        schedule(
            scenario,
            scheduleBody(
                (String) agent.body().get("id"),
                model,
                1,
                Map.of(
                    "runConfig",
                    Map.of(
                        "flowReferenceId",
                        agent.body().get("id"),
                        "entrypoint",
                        "main",
                        "largeLanguageModelReferenceId",
                        model,
                        "userId",
                        "tester",
                        "enableMocking",
                        true))));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    String batch = (String) scheduled.body().get("id");

    Map<String, Object> finished = awaitBatch(scenario, batch, "completed");
    assertThat(finished).containsEntry("completedRuns", 1).containsEntry("failedRuns", 0);
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    CognigySchema.assertRun(run);
    List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
    assertThat(turns)
        .extracting(turn -> ((Map<String, Object>) turn.get("data")).get("role"))
        .containsExactly("user", "tool", "agent");
    Map<String, Object> tool =
        (Map<String, Object>) ((Map<String, Object>) turns.get(1).get("data")).get("payload");
    // Cognigy's enableMocking brings no canned results: the tool answers that it is not mocked.
    assertThat(tool)
        .containsEntry("name", "place_order")
        .containsEntry("arguments", Map.of("pizza", "margherita"))
        .containsEntry("error", "tool not mocked");
    assertThat(turns.get(2).get("text")).isEqualTo("Your order is confirmed, order number 7.");
    assertThat((Map<String, Object>) run.get("metrics")).containsEntry("status", "SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCognigyRestAgentsOutputsBecomeOneTurn() {
    fakes.stubFor(
        post(urlEqualTo("/cognigy/token-1"))
            .willReturn(
                okJson(
                    """
        {"text": "Thanks!", "data": {}, "outputStack": [
          {"text": "Thanks!", "data": {}},
          {"text": "Your order is confirmed, order number 7.", "data": {"order": 7}}]}""")));
    String model = createModel();
    Http.Response agent =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "Cognigy PizzaBot",
                "type",
                "cognigy-rest",
                "config",
                Map.of(
                    "url",
                    fakes.baseUrl() + "/cognigy/token-1",
                    "headers",
                    Map.of("X-Key", "cognigy-secret"))));
    assertThat(agent.status()).as("%s", agent.body()).isEqualTo(201);
    assertThat((Map<String, Object>) agent.body().get("config"))
        .containsEntry("headers", Map.of("X-Key", "********"));
    String scenario =
        createScenario(
            Map.of(
                "maxTurns",
                1,
                "successCriteria",
                List.of(
                    Map.of(
                        "type",
                        "json_path",
                        "params",
                        Map.of("path", "$.outputs[1].data.order", "equals", 7)))));

    String batch =
        (String)
            schedule(scenario, scheduleBody((String) agent.body().get("id"), model, 1, Map.of()))
                .body()
                .get("id");

    awaitBatch(scenario, batch, "completed");
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    List<Map<String, Object>> turns = (List<Map<String, Object>>) run.get("turns");
    assertThat(turns)
        .extracting(turn -> turn.get("text"))
        .containsExactly(
            "I would like a large pizza margherita, please.",
            "Thanks!\nYour order is confirmed, order number 7.");
    assertThat((Map<String, Object>) run.get("metrics")).containsEntry("status", "SUCCESS");
    fakes.verify(
        postRequestedFor(urlEqualTo("/cognigy/token-1"))
            .withHeader("X-Key", equalTo("cognigy-secret"))
            .withRequestBody(matchingJsonPath("$.userId", equalTo("tester")))
            .withRequestBody(
                matchingJsonPath(
                    "$.text", equalTo("I would like a large pizza margherita, please.")))
            .withRequestBody(matchingJsonPath("$.data.tier", equalTo("gold")))
            .withRequestBody(matchingJsonPath("$.data.entrypoint", equalTo("main"))));
  }

  @Test
  void agentConfigIsValidatedByType() {
    assertThat(badAgent(Map.of("name", "a", "type", "webhook", "config", Map.of())))
        .isEqualTo("type");
    assertThat(badAgent(Map.of("name", "a", "type", "cognigy-rest", "config", Map.of())))
        .isEqualTo("config.url");
    assertThat(badAgent(Map.of("name", "a", "type", "http", "config", Map.of("url", "ftp://x"))))
        .isEqualTo("config.url");
    assertThat(
            badAgent(
                Map.of("name", "a", "type", "openai-chat", "config", Map.of("systemPrompt", "Hi"))))
        .isEqualTo("config.modelId");
    assertThat(
            badAgent(
                Map.of(
                    "name",
                    "a",
                    "type",
                    "openai-chat",
                    "config",
                    Map.of("modelId", createModel(), "systemPrompt", " "))))
        .isEqualTo("config.systemPrompt");
    assertThat(
            badAgent(
                Map.of(
                    "name",
                    "a",
                    "type",
                    "openai-chat",
                    "config",
                    Map.of(
                        "modelId", "00000000-0000-0000-0000-000000000001", "systemPrompt", "Hi"))))
        .isEqualTo("config.modelId");
  }

  private String badAgent(Map<String, Object> body) {
    Http.Response response = http.post("/v1/agents?projectId=" + PROJECT, body);
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    return String.valueOf(response.body().get("field"));
  }
}
