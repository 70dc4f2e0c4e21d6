package dev.agentsim.activities.webhook;

import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.store.webhook.Webhook;
import dev.agentsim.store.webhook.WebhookEvent;
import dev.agentsim.store.webhook.WebhookRepository;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.webhook.DeliveryInput;
import dev.agentsim.workflows.webhook.WebhookDeliveryWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells a finished batch's webhooks: one delivery per webhook subscribed to how the batch ended,
 * each with its own workflow. Called from activities Temporal retries, so every step may be done
 * twice: a delivery is recorded once per batch and webhook, and its workflow started once.
 */
@Component
public class WebhookDispatch {

  private final BatchRepository batches;
  private final WebhookRepository webhooks;
  private final WorkflowClient workflowClient;
  private final JsonMapper json;
  private final SimulatorSettings.Webhooks settings;

  public WebhookDispatch(
      BatchRepository batches,
      WebhookRepository webhooks,
      WorkflowClient workflowClient,
      JsonMapper json,
      SimulatorSettings settings) {
    this.batches = batches;
    this.webhooks = webhooks;
    this.workflowClient = workflowClient;
    this.json = json;
    this.settings = settings.webhooks();
  }

  /**
   * Starts the deliveries of the batch's end, as its record says it ended; nothing for a batch not
   * ended.
   */
  public void batchEnded(UUID batchId) {
    Batch batch = batches.find(batchId).orElse(null);
    WebhookEvent event = batch == null ? null : WebhookEvent.of(batch.status()).orElse(null);
    if (event == null) {
      return;
    }
    List<Webhook> subscribed = webhooks.subscribedTo(batch.projectId(), event);
    if (subscribed.isEmpty()) {
      return;
    }
    Map<String, Integer> errors = new LinkedHashMap<>();
    batches
        .errorsByCategory(batchId)
        .forEach((category, runs) -> errors.put(category.name(), runs));
    BatchEvent.Summary summary = BatchEvent.Summary.of(batch, errors);
    String now = Instant.now().toString();
    for (Webhook webhook : subscribed) {
      UUID id = UUID.randomUUID();
      String payload = json.writeValueAsString(new BatchEvent(id, event.wire(), now, summary));
      UUID deliveryId = webhooks.insertDelivery(id, webhook.id(), batchId, event, payload);
      start(
          WebhookDeliveryWorkflow.workflowId(batchId.toString(), webhook.id().toString()),
          deliveryId);
    }
  }

  private void start(String workflowId, UUID deliveryId) {
    WebhookDeliveryWorkflow delivery =
        workflowClient.newWorkflowStub(
            WebhookDeliveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.SIMULATION)
                .setWorkflowId(workflowId)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    try {
      WorkflowClient.start(
          delivery::deliver,
          new DeliveryInput(
              deliveryId.toString(),
              settings.maxAttempts(),
              settings.initialInterval().toMillis(),
              settings.maxInterval().toMillis(),
              settings.timeout().toMillis()));
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Started by an earlier attempt of the activity: one delivery per batch and webhook.
    }
  }
}
