package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.agentsim.worker.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code examples/openai-chat-suite.yaml} run by the command line as its header says, with WireMock
 * as the OpenAI-compatible server that plays the order bot, the simulated customer and the judge.
 */
class OpenAiChatExampleTest extends EmbeddedAppTest {

  private static final String STATUS =
      "Your order A1234 is being processed and should arrive on 14 June.";
  private static final String CANCELLED =
      "Your order A1234 is cancelled; 89.90 EUR will be refunded to your card.";

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void theSuitePassesWithTheBotsToolCallsAnsweredByTheSuitesMocks() throws Exception {
    fakeOrderBot();
    fakeCustomer();
    fakeJudge("The agent told the customer the order");
    fakeJudge("The agent confirmed the cancellation and the refund");
    Path junit = dir.resolve("report.xml");
    Path json = dir.resolve("summary.json");
    String project = "orders-" + UUID.randomUUID();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        Cli.execute(
            Map.of(
                "OPENAI_API_KEY",
                "sk-from-the-environment",
                "OPENAI_BASE_URL",
                fakes.baseUrl() + "/v1"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "test",
            "../examples/openai-chat-suite.yaml",
            "--server",
            "http://localhost:" + port,
            "--project",
            project,
            "--junit",
            junit.toString(),
            "--json",
            json.toString());

    String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(exitCode).as(output).isZero();
    assertThat(output)
        .containsPattern("order bot regression\\s+10\\s+10\\s+0\\s+0\\s+100%\\s+PASSED");

    // the bot's model was told what the mocks answer, and nothing but the model was ever called
    fakes.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(
                matchingJsonPath(
                    "$.messages[?(@.role == 'tool')].content", containing("2025-06-14"))));
    fakes.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(
                matchingJsonPath(
                    "$.messages[?(@.role == 'tool')].content", containing("cancelled"))));
    assertThat(fakes.getAllServeEvents())
        .extracting(ServeEvent::getRequest)
        .allSatisfy(request -> assertThat(request.getUrl()).isEqualTo("/v1/chat/completions"));

    // the transcripts show each call with the mocked result
    JsonNode summary = JsonMapper.builder().build().readTree(json.toFile());
    Map<String, String> batches = new HashMap<>();
    summary
        .path("suites")
        .get(0)
        .path("batches")
        .forEach(
            batch -> batches.put(batch.path("scenario").asString(), batch.path("id").asString()));
    Map<String, Object> cancelRun = oneRun(project, batches.get("Cancel an order"));
    List<Map<String, Object>> turns = (List<Map<String, Object>>) cancelRun.get("turns");
    assertThat(turns)
        .extracting(turn -> turn.get("role"))
        .containsSubsequence("user", "tool", "tool", "agent");
    assertThat(turns)
        .filteredOn(turn -> "tool".equals(turn.get("role")))
        .extracting(turn -> turn.get("data"))
        .containsExactly(
            Map.of(
                "id",
                "call_lookup",
                "name",
                "lookup_order",
                "arguments",
                Map.of("order_id", "A1234"),
                "result",
                Map.of(
                    "order_id",
                    "A1234",
                    "status",
                    "processing",
                    "items",
                    List.of(Map.of("name", "Trail runner 2", "size", 42, "quantity", 1)),
                    "estimatedDelivery",
                    "2025-06-14")),
            Map.of(
                "id",
                "call_cancel",
                "name",
                "cancel_order",
                "arguments",
                Map.of("order_id", "A1234", "reason", "wrong size"),
                "result",
                Map.of("cancelled", true, "refund", Map.of("amount", 89.9, "currency", "EUR")),
                "delayMs",
                500));
    assertThat(turns).extracting(turn -> turn.get("text")).contains(CANCELLED);
    assertThat(cancelRun.get("verdict")).isEqualTo("SUCCESS");
    assertThat((List<Map<String, Object>>) cancelRun.get("results"))
        .extracting(result -> result.get("reason"))
        .anySatisfy(
            reason ->
                assertThat((String) reason)
                    .startsWith(
                        "Tool cancel_order with arguments {order_id=A1234} "
                            + "was called 1 time"));

    // and the command line shows a run's tool calls as name(arguments) → result
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    assertThat(
            Cli.execute(
                Map.of(),
                false,
                new PrintStream(shown, true, StandardCharsets.UTF_8),
                System.err,
                "runs",
                "show",
                (String) cancelRun.get("id"),
                "--server",
                "http://localhost:" + port,
                "--project",
                project))
        .isZero();
    // (the stored JSON keeps its keys in an order of its own)
    assertThat(shown.toString(StandardCharsets.UTF_8))
        .containsPattern(
            "\\ntool call: lookup_order\\(\\{\"order_id\":\"A1234\"}\\) → \\{.*\"estimatedDelivery\":\"2025-06-14\".*}\\n")
        .containsPattern(
            "\\ntool call: cancel_order\\(\\{.*\"reason\":\"wrong size\".*}\\) → \\{.*\"cancelled\":true.*}\\n")
        .containsPattern(
            "\\n  passed tool_called name=cancel_order, .*: Tool cancel_order with arguments \\{order_id=A1234} "
                + "was called 1 time")
        .contains("verdict: SUCCESS");

    Map<String, Object> statusRun = oneRun(project, batches.get("Where is my order"));
    assertThat((List<Map<String, Object>>) statusRun.get("turns"))
        .extracting(turn -> turn.get("text"))
        .contains(STATUS)
        .noneMatch(text -> String.valueOf(text).startsWith("cancel_order"));
    assertThat(statusRun.get("verdict")).isEqualTo("SUCCESS");

    Element report =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(junit.toFile())
            .getDocumentElement();
    assertThat(report.getAttribute("tests")).isEqualTo("10");
    assertThat(report.getAttribute("failures")).isEqualTo("0");
    NodeList cases = report.getElementsByTagName("testcase");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      names.add(((Element) cases.item(i)).getAttribute("name"));
    }
    assertThat(names)
        .hasSize(10)
        .contains(
            "Where is my order #1",
            "Where is my order #5",
            "Cancel an order #1",
            "Cancel an order #5");
  }

  private Map<String, Object> oneRun(String project, String batchId) {
    String runId =
        (String)
            http.get("/v1/batches/" + batchId + "/runs?projectId=" + project)
                .list("data")
                .get(0)
                .get("id");
    return http.get("/v1/runs/" + runId + "?projectId=" + project).body();
  }

  /**
   * The order bot's model: it looks the order up, cancels it when the customer asked for that, and
   * answers from what its tools returned. Its requests are the ones that offer tools.
   */
  private static void fakeOrderBot() {
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.tools"))
            .withRequestBody(
                matchingJsonPath(
                    "$.messages[?(@.role == 'tool')].content", containing("cancelled")))
            .willReturn(okJson(chatCompletion(CANCELLED))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(2)
            .withRequestBody(matchingJsonPath("$.tools"))
            .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
            .withRequestBody(containing("wrong size"))
            .willReturn(
                okJson(
                    toolCall(
                        "call_cancel",
                        "cancel_order",
                        "{\\\"order_id\\\":\\\"A1234\\\",\\\"reason\\\":\\\"wrong size\\\"}"))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(3)
            .withRequestBody(matchingJsonPath("$.tools"))
            .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
            .willReturn(okJson(chatCompletion(STATUS))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(4)
            .withRequestBody(matchingJsonPath("$.tools"))
            .willReturn(
                okJson(
                    toolCall("call_lookup", "lookup_order", "{\\\"order_id\\\":\\\"A1234\\\"}"))));
  }

  /** The customer: asks as the mission says, and ends once the bot has answered. */
  private static void fakeCustomer() {
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing("role-playing a human user"))
            .withRequestBody(containing("Your order A1234 is"))
            .willReturn(okJson(chatCompletion("###STOP###"))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(2)
            .withRequestBody(containing("role-playing a human user"))
            .withRequestBody(containing("You ordered the wrong size"))
            .willReturn(
                okJson(chatCompletion("I ordered the wrong size, please cancel order A1234."))));
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(3)
            .withRequestBody(containing("role-playing a human user"))
            .willReturn(okJson(chatCompletion("Where is my order A1234?"))));
  }

  private static void fakeJudge(String criterion) {
    fakes.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .atPriority(1)
            .withRequestBody(containing(criterion))
            .willReturn(
                okJson(
                    chatCompletion(
                        "{\\\"passed\\\": true, \\\"reason\\\": \\\"The agent said so.\\\", \\\"confidence\\\": 0.9}"))));
  }

  private static String toolCall(String id, String tool, String escapedArguments) {
    return """
        {"id": "chatcmpl-2", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": [
           {"id": "%s", "type": "function", "function": {"name": "%s", "arguments": "%s"}}]},
           "finish_reason": "tool_calls"}],
         "usage": {"prompt_tokens": 60, "completion_tokens": 15, "total_tokens": 75}}"""
        .formatted(id, tool, escapedArguments);
  }
}
