package dev.agentsim.store.webhook;

import dev.agentsim.store.outbound.OutboundPolicy;
import java.net.URI;
import java.util.Locale;

/**
 * Where a webhook may point: where the outbound policy lets the service call, and over https, since
 * the body tells of the project's batches. Plain http only to a host {@code
 * simulator.outbound.allow} lists (loopback in embedded mode, an internal receiver allowed on
 * purpose), as the traffic then stays where the operator said it may go.
 */
public final class WebhookUrls {

  private WebhookUrls() {}

  /**
   * Checks a URL being saved.
   *
   * @throws IllegalArgumentException saying what is wrong with the URL itself
   * @throws OutboundPolicy.Refused saying why its host may not be called
   */
  public static void checkSaved(OutboundPolicy policy, String url) {
    policy.checkSaved(url);
    checkScheme(policy, URI.create(url));
  }

  /**
   * @throws IllegalArgumentException when the URL is plain http to a host the policy does not list
   */
  public static void checkScheme(OutboundPolicy policy, URI uri) {
    if (!"https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) && !policy.listed(uri)) {
      throw new IllegalArgumentException(
          "must be an https URL: plain http only to a host simulator.outbound.allow " + "lists");
    }
  }
}
