package dev.agentsim.workflows.webhook;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface WebhookActivities {

  /**
   * Sends the delivery's event once and records the attempt. Fails, to be retried, unless the
   * receiver answered 2xx; fails for good when its URL may not be called. A delivery gone with its
   * webhook, or already delivered, is not sent.
   */
  @ActivityMethod
  void send(String deliveryId, long requestTimeoutMillis);

  /** Records that the delivery was given up: its attempts ran out, or its URL may not be called. */
  @ActivityMethod
  void giveUp(String deliveryId);
}
