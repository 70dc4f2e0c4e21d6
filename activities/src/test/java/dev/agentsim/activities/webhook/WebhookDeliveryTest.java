package dev.agentsim.activities.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.PROJECT;
import static dev.agentsim.activities.ActivitiesTestSupport.wireMock;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.agentsim.activities.ActivitiesTestSupport.Database;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.webhook.Delivery;
import dev.agentsim.store.webhook.WebhookEvent;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.webhook.DeliveryInput;
import dev.agentsim.workflows.webhook.WebhookDeliveryWorkflow;
import dev.agentsim.workflows.webhook.WebhookDeliveryWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries through their workflow: given up when refused or out of attempts, started once per
 * batch and webhook.
 */
class WebhookDeliveryTest {

  /**
   * A worker whose outbound policy allows nothing beyond public addresses, as outside embedded
   * mode.
   */
  private static final String REFUSING = "refusing";

  @RegisterExtension static final Database DB = new Database();

  @RegisterExtension static final WireMockExtension RECEIVER = wireMock();

  private static TestWorkflowEnvironment env;
  private static WorkflowClient client;

  @BeforeAll
  static void start() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.SIMULATION);
    worker.registerWorkflowImplementationTypes(WebhookDeliveryWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new WebhookActivitiesImpl(
            DB.webhooks, OUTBOUND, OutboundPolicy.allowing("127.0.0.1", "::1")));
    OutboundPolicy refusing = OutboundPolicy.allowing();
    Worker strict = env.newWorker(REFUSING);
    strict.registerWorkflowImplementationTypes(WebhookDeliveryWorkflowImpl.class);
    strict.registerActivitiesImplementations(
        new WebhookActivitiesImpl(DB.webhooks, new OutboundHttp(refusing, 1024 * 1024), refusing));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  void aUrlTheOutboundPolicyRefusesAtDeliveryIsGivenUpAtOnceWithoutBeingCalled() {
    RECEIVER.stubFor(post(urlEqualTo("/refused")).willReturn(ok()));
    // https, so the refusal is the policy's own; nothing would answer TLS there, nothing is asked.
    Pending delivery = delivery("https://localhost:" + RECEIVER.getPort() + "/refused");

    deliver(REFUSING, delivery, 5);

    Delivery stored = stored(delivery);
    assertThat(stored.status()).isEqualTo(Delivery.Status.FAILED);
    assertThat(stored.attempts()).isEqualTo(1);
    assertThat(stored.lastStatusCode()).isNull();
    assertThat(stored.lastError()).contains("loopback address").contains("not sent");
    assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/refused")))).isEmpty();
  }

  @Test
  void aReceiverThatNeverAnswers2xxIsGivenUpAfterTheLastAttempt() {
    RECEIVER.stubFor(
        post(urlEqualTo("/failing")).willReturn(aResponse().withStatus(500).withBody("nope")));
    Pending delivery = delivery(RECEIVER.baseUrl() + "/failing");

    deliver(TaskQueues.SIMULATION, delivery, 3);

    Delivery stored = stored(delivery);
    assertThat(stored.status()).isEqualTo(Delivery.Status.FAILED);
    assertThat(stored.attempts()).isEqualTo(3);
    assertThat(stored.lastStatusCode()).isEqualTo(500);
    assertThat(stored.lastError()).isEqualTo("The receiver answered HTTP 500: nope");
    assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/failing")))).hasSize(3);
  }

  @Test
  void aBatchsEndAnnouncedTwiceIsDeliveredOnceToEachSubscribedWebhook() {
    RECEIVER.stubFor(post(urlEqualTo("/once")).willReturn(ok()));
    RECEIVER.stubFor(post(urlEqualTo("/failures-only")).willReturn(ok()));
    String project = "project-" + UUID.randomUUID();
    UUID told =
        DB.webhooks
            .insert(
                project,
                RECEIVER.baseUrl() + "/once",
                List.of("batch.completed"),
                null,
                "whsec_test")
            .id();
    UUID notTold =
        DB.webhooks
            .insert(
                project,
                RECEIVER.baseUrl() + "/failures-only",
                List.of("batch.failed"),
                null,
                "whsec_test")
            .id();
    UUID batch = UUID.randomUUID();
    DB.batches.insert(
        batch,
        project,
        UUID.randomUUID(),
        UUID.randomUUID(),
        UUID.randomUUID(),
        "Test batch",
        1,
        "native",
        Map.of(),
        "test",
        Map.of());
    DB.batches.finish(batch, BatchStatus.COMPLETED, null);
    WebhookDispatch dispatch = DB.webhookDispatch(client);

    dispatch.batchEnded(batch);
    dispatch.batchEnded(batch);

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                DB.webhooks.deliveries(told, 10, 0).stream()
                    .allMatch(d -> d.status() == Delivery.Status.DELIVERED));
    assertThat(DB.webhooks.deliveries(told, 10, 0))
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.batchId()).isEqualTo(batch);
              assertThat(delivery.event()).isEqualTo("batch.completed");
              assertThat(delivery.attempts()).isEqualTo(1);
            });
    assertThat(DB.webhooks.deliveries(notTold, 10, 0)).isEmpty();
    assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/once")))).hasSize(1);
    assertThat(RECEIVER.findAll(postRequestedFor(urlEqualTo("/failures-only")))).isEmpty();
  }

  /** A webhook at the URL and one pending delivery to it. */
  private record Pending(UUID webhook, UUID delivery) {}

  private Pending delivery(String url) {
    UUID webhook =
        DB.webhooks.insert(PROJECT, url, List.of("batch.stopped"), null, "whsec_test").id();
    return new Pending(
        webhook,
        DB.webhooks.insertDelivery(
            UUID.randomUUID(),
            webhook,
            UUID.randomUUID(),
            WebhookEvent.BATCH_STOPPED,
            "{\"type\": \"batch.stopped\"}"));
  }

  /**
   * Runs the delivery's workflow to its end: 10 ms before the first retry, 20 ms at most between
   * two.
   */
  private void deliver(String taskQueue, Pending pending, int maxAttempts) {
    client
        .newWorkflowStub(
            WebhookDeliveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId("delivery-" + pending.delivery())
                .build())
        .deliver(new DeliveryInput(pending.delivery().toString(), maxAttempts, 10, 20, 5_000));
  }

  private static Delivery stored(Pending pending) {
    return DB.webhooks.deliveries(pending.webhook(), 10, 0).stream()
        .filter(delivery -> delivery.id().equals(pending.delivery()))
        .findFirst()
        .orElseThrow();
  }
}
