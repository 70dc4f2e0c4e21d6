package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Our own throttle never fails a run: a model that takes one call at a time, a batch of 50 runs all
 * at once, and a slot wait far shorter than the queue in front of it. Waiting calls give their
 * worker slot back and come again; with two attempts allowed per call, counting those waits as the
 * model's failures would end most runs in ERROR.
 */
@TestPropertySource(properties = "simulator.llm.slot-wait=100ms")
class ModelThrottleEndToEndTest extends EmbeddedAppTest {

  private static final String CHAT = "/v1/chat/completions";

  @Test
  void aModelLimitedToOneSlotUnderAFiftyWideBatchEndsEveryRunInSuccess() {
    fakes.stubFor(
        post(urlEqualTo(CHAT))
            .atPriority(4)
            .willReturn(
                okJson(chatCompletion("A large pizza margherita, please.")).withFixedDelay(20)));
    String agent = createAgent("/agent");
    Http.Response model =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "one at a time",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "model",
                "fake-model",
                "apiKey",
                "sk-test-secret",
                "maxConcurrency",
                1));
    assertThat(model.status()).as("%s", model.body()).isEqualTo(201);
    String scenario =
        createScenario(
            Map.of(
                "successCriteria",
                List.of(Map.of("type", "contains", "params", Map.of("value", "confirmed"))),
                "maxTurns",
                2));

    Http.Response scheduled =
        schedule(
            scenario,
            scheduleBody(agent, (String) model.body().get("id"), 50, Map.of("concurrency", 50)));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);

    Map<String, Object> finished =
        awaitBatch(scenario, (String) scheduled.body().get("id"), "completed");
    assertThat(finished)
        .containsEntry("completedRuns", 50)
        .containsEntry("succeededRuns", 50)
        .containsEntry("erroredRuns", 0);
    // Two user lines and a summary per run, each asked once: a wait for a slot is not a call.
    assertThat(fakes.findAll(postRequestedFor(urlEqualTo(CHAT)))).hasSize(150);
  }
}
