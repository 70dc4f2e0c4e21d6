package dev.agentsim.workflows.webhook;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delivers one event to one webhook, retried by Temporal until the receiver answers 2xx or attempts
 * run out.
 */
@WorkflowInterface
public interface WebhookDeliveryWorkflow {

  /**
   * One per batch and webhook, so the delivery is started once however often its start is asked
   * for.
   */
  static String workflowId(String batchId, String webhookId) {
    return "webhook-" + batchId + "-" + webhookId;
  }

  @WorkflowMethod
  void deliver(DeliveryInput input);
}
