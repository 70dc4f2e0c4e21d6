package dev.agentsim.api.webhook;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.webhook.Delivery;
import dev.agentsim.store.webhook.Webhook;
import dev.agentsim.store.webhook.WebhookEvent;
import dev.agentsim.store.webhook.WebhookRepository;
import dev.agentsim.store.webhook.WebhookUrls;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * A project's webhooks: created with a generated signing secret (shown once), listed, deleted, and
 * their deliveries read.
 */
@Service
public class Webhooks {

  /** A signing secret: {@code whsec_} and 43 characters of 256 random bits. */
  static final String SECRET_PREFIX = "whsec_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookRepository repository;
  private final OutboundPolicy outbound;

  public Webhooks(WebhookRepository repository, OutboundPolicy outbound) {
    this.repository = repository;
    this.outbound = outbound;
  }

  /** A new webhook with its signing secret, which is not shown again. */
  public record Created(Webhook webhook, String secret) {}

  /**
   * @throws FieldError naming the first field at fault
   */
  public Created create(String projectId, WebhookRequest request) {
    String url = checkedUrl(request.url());
    List<String> events = checkedEvents(request.events());
    String description =
        request.description() == null || request.description().isBlank()
            ? null
            : request.description().strip();
    String secret = newSecret();
    return new Created(repository.insert(projectId, url, events, description, secret), secret);
  }

  public List<Webhook> list(String projectId, int limit, int skip) {
    return repository.list(projectId, limit, skip);
  }

  public Optional<Webhook> find(String projectId, UUID id) {
    return repository.find(projectId, id);
  }

  /**
   * @return false when the project has no such webhook
   */
  public boolean delete(String projectId, UUID id) {
    return repository.delete(projectId, id);
  }

  /**
   * A page of the webhook's deliveries, newest first.
   *
   * @throws NotFound when the project has no such webhook
   */
  public List<Delivery> deliveries(String projectId, UUID id, int limit, int skip) {
    Webhook webhook = find(projectId, id).orElseThrow(() -> notFound(id));
    return repository.deliveries(webhook.id(), limit, skip);
  }

  static NotFound notFound(UUID id) {
    return new NotFound("Webhook " + id + " not found");
  }

  private String checkedUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new FieldError("url", "REQUIRED", "url is required");
    }
    try {
      WebhookUrls.checkSaved(outbound, url.strip());
    } catch (OutboundPolicy.Refused e) {
      throw new FieldError(
          "url",
          "NOT_ALLOWED",
          "url "
              + e.getMessage()
              + "; simulator.outbound.allow lists what may be called beyond public addresses");
    } catch (IllegalArgumentException e) {
      throw new FieldError("url", "INVALID_VALUE", "url " + e.getMessage());
    }
    return url.strip();
  }

  private static List<String> checkedEvents(List<String> events) {
    List<String> all = Arrays.stream(WebhookEvent.values()).map(WebhookEvent::wire).toList();
    if (events == null) {
      return all;
    }
    if (events.isEmpty()) {
      throw new FieldError(
          "events", "REQUIRED", "events must name at least one of " + String.join(", ", all));
    }
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String event = events.get(i);
      String field = "events[" + i + "]";
      if (event == null || WebhookEvent.of(event).isEmpty()) {
        throw new FieldError(
            field, "INVALID_VALUE", field + " must be one of " + String.join(", ", all));
      }
      if (!checked.contains(event)) {
        checked.add(event);
      }
    }
    return checked;
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
