package dev.agentsim.activities.webhook;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.webhook.Delivery;
import dev.agentsim.store.webhook.WebhookRepository;
import dev.agentsim.store.webhook.WebhookRepository.Outgoing;
import dev.agentsim.store.webhook.WebhookUrls;
import dev.agentsim.workflows.webhook.WebhookActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Sends a webhook's event, signed, and records each attempt. The request carries {@code
 * X-Signature} (see {@link WebhookSignature}), {@code X-Event-Id} and {@code X-Event-Type};
 * redirects are not followed, and the outbound policy is checked right before each connection.
 */
@Component("webhookActivities")
public class WebhookActivitiesImpl implements WebhookActivities {

  /** What the receiver answered is kept up to this many characters. */
  private static final int MAX_ANSWER_SHOWN = 500;

  private final WebhookRepository webhooks;
  private final OutboundHttp outbound;
  private final OutboundPolicy policy;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  public WebhookActivitiesImpl(
      WebhookRepository webhooks, OutboundHttp outbound, OutboundPolicy policy) {
    this.webhooks = webhooks;
    this.outbound = outbound;
    this.policy = policy;
  }

  @Override
  public void send(String deliveryId, long requestTimeoutMillis) {
    UUID id = Failures.uuid(deliveryId, "delivery");
    Outgoing delivery = webhooks.outgoing(id).orElse(null);
    if (delivery == null || delivery.status() != Delivery.Status.PENDING) {
      return; // gone with its webhook, or delivered by an attempt whose end Temporal missed
    }
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    URI uri = URI.create(delivery.url());
    Duration timeout = Duration.ofMillis(requestTimeoutMillis);
    HttpResponse<String> response;
    try {
      WebhookUrls.checkScheme(policy, uri);
      response =
          outbound.send(
              http,
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "AgentSim-Webhooks")
                  .header("X-Event-Id", delivery.id().toString())
                  .header("X-Event-Type", delivery.event())
                  .header(
                      WebhookSignature.HEADER,
                      WebhookSignature.of(delivery.secret(), delivery.payload()))
                  .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                  .build(),
              timeout);
    } catch (OutboundPolicy.Refused | IllegalArgumentException e) {
      String why = "The webhook's URL " + e.getMessage() + ": not sent";
      webhooks.recordAttempt(id, attempt, null, why);
      throw ApplicationFailure.newNonRetryableFailure(why, "WEBHOOK_NOT_ALLOWED");
    } catch (HttpTimeoutException e) {
      throw notAccepted(
          id, attempt, null, "No complete answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw notAccepted(id, attempt, null, "The request failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notAccepted(id, attempt, null, "Interrupted while sending");
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      String body = response.body().strip();
      throw notAccepted(
          id,
          attempt,
          status,
          "The receiver answered HTTP "
              + status
              + (body.isEmpty()
                  ? ""
                  : ": " + body.substring(0, Math.min(body.length(), MAX_ANSWER_SHOWN))));
    }
    webhooks.recordAttempt(id, attempt, status, null);
  }

  private ApplicationFailure notAccepted(UUID id, int attempt, Integer status, String why) {
    webhooks.recordAttempt(id, attempt, status, why);
    return ApplicationFailure.newFailure(why, "WEBHOOK_NOT_ACCEPTED");
  }

  @Override
  public void giveUp(String deliveryId) {
    webhooks.markFailed(Failures.uuid(deliveryId, "delivery"));
  }
}
