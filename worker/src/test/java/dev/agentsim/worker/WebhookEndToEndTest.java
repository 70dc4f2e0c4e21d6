package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Webhooks told of finished batches, over real HTTP, WireMock as the receiver. */
class WebhookEndToEndTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String WEBHOOKS = "/v1/webhooks?projectId=" + PROJECT;

  private final List<String> created = new ArrayList<>();

  /**
   * The project is shared with other tests: their batches must not be announced to these receivers.
   */
  @AfterEach
  void deleteWebhooks() {
    created.forEach(
        id ->
            assertThat(http.delete("/v1/webhooks/" + id + "?projectId=" + PROJECT).status())
                .isEqualTo(204));
  }

  @Test
  void aFinishedBatchIsPostedSignedAndRetriedUntilTheReceiverAnswers2xx() throws Exception {
    fakes.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(500).withBody("receiver down"))
            .willSetStateTo("failed once"));
    fakes.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs("failed once")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("failed twice"));
    fakes.stubFor(
        post(urlEqualTo("/hook"))
            .inScenario("flaky")
            .whenScenarioStateIs("failed twice")
            .willReturn(ok()));
    Http.Response webhook =
        http.post(WEBHOOKS, Map.of("url", fakes.baseUrl() + "/hook", "description", "CI"));
    assertThat(webhook.status()).as("%s", webhook.body()).isEqualTo(201);
    String id = (String) webhook.body().get("id");
    created.add(id);
    String secret = (String) webhook.body().get("secret");
    assertThat(secret).startsWith("whsec_").hasSize(49);
    assertThat(webhook.location()).endsWith("/v1/webhooks/" + id + "?projectId=" + PROJECT);
    assertThat(webhook.body())
        .containsEntry("url", fakes.baseUrl() + "/hook")
        .containsEntry("description", "CI")
        .containsEntry("events", List.of("batch.completed", "batch.failed", "batch.stopped"));
    assertThat(http.get("/v1/webhooks/" + id + "?projectId=" + PROJECT).body())
        .containsEntry("id", id)
        .doesNotContainKey("secret");
    assertThat(http.get(WEBHOOKS).list("data"))
        .anySatisfy(
            listed -> assertThat(listed).containsEntry("id", id).doesNotContainKey("secret"));

    String batch = runBatch(createAgent("/agent"), Map.of("commit", "3f2a9c1"));

    Map<String, Object> delivery = awaitDelivery(id, "delivered");
    assertThat(delivery)
        .containsEntry("batchId", batch)
        .containsEntry("event", "batch.completed")
        .containsEntry("attempts", 3)
        .containsEntry("lastStatusCode", 200)
        .containsEntry("lastError", null);
    List<LoggedRequest> requests = fakes.findAll(postRequestedFor(urlEqualTo("/hook")));
    assertThat(requests).hasSize(3);
    String body = requests.get(0).getBodyAsString();
    assertThat(requests)
        .allSatisfy(
            request -> {
              assertThat(request.getBodyAsString()).isEqualTo(body);
              assertThat(request.getHeader("X-Signature"))
                  .isEqualTo("sha256=" + hmacSha256Hex(secret, body));
              assertThat(request.getHeader("X-Event-Id")).isEqualTo(delivery.get("id"));
              assertThat(request.getHeader("X-Event-Type")).isEqualTo("batch.completed");
              assertThat(request.getHeader("Content-Type")).startsWith("application/json");
            });
    Map<String, Object> event = JSON.readValue(body, new TypeReference<>() {});
    assertThat(event)
        .containsEntry("id", delivery.get("id"))
        .containsEntry("type", "batch.completed")
        .containsKey("createdAt");
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) event.get("batch");
    assertThat(summary)
        .containsEntry("id", batch)
        .containsEntry("projectId", PROJECT)
        .containsEntry("status", "completed")
        .containsEntry("stopReason", null)
        .containsEntry("runs", 1)
        .containsEntry("succeededRuns", 1)
        .containsEntry("failedRuns", 0)
        .containsEntry("erroredRuns", 0)
        .containsEntry("labels", Map.of("commit", "3f2a9c1"));
    assertThat(summary.get("completedAt")).isNotNull();
    assertThat(hmacSha256Hex("whsec_another", body)).isNotEqualTo(hmacSha256Hex(secret, body));
  }

  @Test
  void aWebhookIsToldOnlyOfTheEventsItAskedFor() {
    fakes.stubFor(post(urlEqualTo("/hook-done")).willReturn(ok()));
    fakes.stubFor(post(urlEqualTo("/hook-stopped")).willReturn(ok()));
    String done = createWebhook("/hook-done", List.of("batch.completed", "batch.failed"));
    String stopped = createWebhook("/hook-stopped", List.of("batch.stopped"));

    String completedBatch = runBatch(createAgent("/agent"), Map.of());
    String slowAgent = createAgent("/slow-agent");
    Http.Response running =
        http.post(
            "/v1/batches?projectId=" + PROJECT,
            Map.of(
                "scenarioId",
                createScenario(Map.of("maxTurns", 20)),
                "agentId",
                slowAgent,
                "modelId",
                createModel()));
    String stoppedBatch = (String) running.body().get("id");
    assertThat(
            http.post("/v1/batches/" + stoppedBatch + "/stop?projectId=" + PROJECT, Map.of())
                .status())
        .isEqualTo(202);

    Map<String, Object> stoppedDelivery = awaitDelivery(stopped, "delivered");
    assertThat(stoppedDelivery)
        .containsEntry("batchId", stoppedBatch)
        .containsEntry("event", "batch.stopped");
    Map<String, Object> stoppedEvent =
        JSON.readValue(
            fakes.findAll(postRequestedFor(urlEqualTo("/hook-stopped"))).get(0).getBodyAsString(),
            new TypeReference<>() {});
    assertThat(stoppedEvent).containsEntry("type", "batch.stopped");
    assertThat(stoppedEvent.get("batch").toString())
        .contains("status=stopped", "stopReason=USER_CANCELLED");
    assertThat(awaitDelivery(done, "delivered"))
        .containsEntry("batchId", completedBatch)
        .containsEntry("event", "batch.completed");
    assertThat(deliveries(done)).hasSize(1);
    assertThat(deliveries(stopped)).hasSize(1);
    assertThat(fakes.findAll(postRequestedFor(urlEqualTo("/hook-done")))).hasSize(1);
    assertThat(fakes.findAll(postRequestedFor(urlEqualTo("/hook-stopped")))).hasSize(1);
  }

  @Test
  void badWebhooksAreRefusedNamingTheField() {
    String hook = fakes.baseUrl() + "/hook";
    assertRefused(Map.of("events", List.of("batch.completed")), "url", "REQUIRED");
    assertRefused(Map.of("url", "http://example.com/hook"), "url", "INVALID_VALUE");
    assertRefused(Map.of("url", "ftp://example.com/hook"), "url", "INVALID_VALUE");
    assertRefused(Map.of("url", "https://169.254.169.254/latest/meta-data"), "url", "NOT_ALLOWED");
    assertRefused(Map.of("url", "https://metadata.google.internal/hook"), "url", "NOT_ALLOWED");
    assertRefused(Map.of("url", hook, "events", List.of()), "events", "REQUIRED");
    assertRefused(
        Map.of("url", hook, "events", List.of("batch.completed", "batch.done")),
        "events[1]",
        "INVALID_VALUE");
    assertRefused(Map.of("url", hook, "events", "batch.completed"), "events", "INVALID_TYPE");
    assertRefused(Map.of("url", hook, "secret", "mine"), "secret", "UNKNOWN_FIELD");
    assertThat(
            http.post(WEBHOOKS, Map.of("url", "http://example.com/hook"))
                .body()
                .get("detail")
                .toString())
        .contains("https");

    String id = createWebhook("/hook", List.of("batch.failed"));
    String unknown = UUID.randomUUID().toString();
    assertThat(http.get("/v1/webhooks/" + id + "?projectId=other").status()).isEqualTo(404);
    assertThat(http.get("/v1/webhooks/" + unknown + "?projectId=" + PROJECT).status())
        .isEqualTo(404);
    assertThat(http.get("/v1/webhooks/" + unknown + "/deliveries?projectId=" + PROJECT).status())
        .isEqualTo(404);
    assertThat(http.get("/v1/webhooks/" + id + "/deliveries?projectId=other").status())
        .isEqualTo(404);
    assertThat(http.delete("/v1/webhooks/" + id + "?projectId=other").status()).isEqualTo(404);
    assertThat(
            http.get("/v1/webhooks/" + id + "/deliveries?projectId=" + PROJECT + "&limit=0").body())
        .containsEntry("field", "limit");
    assertThat(http.get("/v1/webhooks?projectId=" + PROJECT + "&skip=-1").body())
        .containsEntry("field", "skip");
  }

  private void assertRefused(Map<String, Object> body, String field, String code) {
    Http.Response refused = http.post(WEBHOOKS, body);
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body())
        .containsEntry("field", field)
        .containsEntry("code", code)
        .containsKey("traceId");
  }

  private String createWebhook(String path, List<String> events) {
    Http.Response webhook =
        http.post(WEBHOOKS, Map.of("url", fakes.baseUrl() + path, "events", events));
    assertThat(webhook.status()).as("%s", webhook.body()).isEqualTo(201);
    assertThat(webhook.body()).containsEntry("events", events);
    String id = (String) webhook.body().get("id");
    created.add(id);
    return id;
  }

  /** A native batch of one run against the agent, run to its end. */
  private String runBatch(String agentId, Map<String, String> labels) {
    Http.Response batch =
        http.post(
            "/v1/batches?projectId=" + PROJECT,
            Map.of(
                "scenarioId",
                createScenario(Map.of()),
                "agentId",
                agentId,
                "modelId",
                createModel(),
                "labels",
                labels));
    assertThat(batch.status()).as("%s", batch.body()).isEqualTo(201);
    String id = (String) batch.body().get("id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                "completed"
                    .equals(
                        http.get("/v1/batches/" + id + "?projectId=" + PROJECT)
                            .body()
                            .get("status")));
    return id;
  }

  private List<Map<String, Object>> deliveries(String webhookId) {
    Http.Response page = http.get("/v1/webhooks/" + webhookId + "/deliveries?projectId=" + PROJECT);
    assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
    return page.list("data");
  }

  private Map<String, Object> awaitDelivery(String webhookId, String status) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                deliveries(webhookId).stream()
                    .anyMatch(delivery -> status.equals(delivery.get("status"))));
    return deliveries(webhookId).get(0);
  }

  /**
   * What a receiver computes to check the signature: HMAC-SHA256 of the raw body, keyed with the
   * secret.
   */
  private static String hmacSha256Hex(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
