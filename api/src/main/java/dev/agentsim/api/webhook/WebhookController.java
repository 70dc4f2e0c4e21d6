package dev.agentsim.api.webhook;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.webhook.Delivery;
import dev.agentsim.store.webhook.Webhook;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A project's webhooks: URLs told when one of its batches finishes, and what was delivered to
 * them. The signing secret is in the answer to the creation only.
 */
@RestController
@RequestMapping("/v1/webhooks")
public class WebhookController {

  private static final int MAX_LIMIT = 100;

  private final Webhooks webhooks;

  public WebhookController(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** 201 with the webhook and its {@code secret}, which is never shown again. */
  @PostMapping
  public ResponseEntity<Map<String, Object>> create(@RequestParam String projectId,
      @RequestBody WebhookRequest body) {
    Webhooks.Created created = webhooks.create(projectId, body);
    Map<String, Object> view = view(created.webhook());
    view.put("secret", created.secret());
    URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
        .queryParam("projectId", projectId).buildAndExpand(created.webhook().id()).toUri();
    return ResponseEntity.created(location).body(view);
  }

  /** The project's webhooks, oldest first, without their secrets. */
  @GetMapping
  public Map<String, Object> list(@RequestParam String projectId,
      @RequestParam(defaultValue = "20") int limit, @RequestParam(defaultValue = "0") int skip) {
    checkPage(limit, skip);
    List<Webhook> page = webhooks.list(projectId, limit + 1, skip);
    return page(page.stream().limit(limit).map(WebhookController::view).toList(), limit, skip,
        page.size() > limit);
  }

  @GetMapping("/{id}")
  public Map<String, Object> get(@RequestParam String projectId, @PathVariable UUID id) {
    return view(webhooks.find(projectId, id).orElseThrow(() -> Webhooks.notFound(id)));
  }

  /** Deletes the webhook and its deliveries (204); a delivery still being retried stops. */
  @DeleteMapping("/{id}")
  public ResponseEntity<Void> delete(@RequestParam String projectId, @PathVariable UUID id) {
    if (!webhooks.delete(projectId, id)) {
      throw Webhooks.notFound(id);
    }
    return ResponseEntity.noContent().build();
  }

  /** The webhook's deliveries, newest first, with their status and how their last attempt went. */
  @GetMapping("/{id}/deliveries")
  public Map<String, Object> deliveries(@RequestParam String projectId, @PathVariable UUID id,
      @RequestParam(defaultValue = "20") int limit, @RequestParam(defaultValue = "0") int skip) {
    checkPage(limit, skip);
    List<Delivery> page = webhooks.deliveries(projectId, id, limit + 1, skip);
    return page(page.stream().limit(limit).map(WebhookController::view).toList(), limit, skip,
        page.size() > limit);
  }

  private static void checkPage(int limit, int skip) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and " + MAX_LIMIT);
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
  }

  private static Map<String, Object> page(List<Map<String, Object>> data, int limit, int skip, boolean hasNext) {
    return Map.of("data", data, "pagination", Map.of("limit", limit, "skip", skip, "hasNext", hasNext));
  }

  private static Map<String, Object> view(Webhook webhook) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", webhook.id());
    view.put("projectId", webhook.projectId());
    view.put("url", webhook.url());
    view.put("events", webhook.events());
    view.put("description", webhook.description());
    view.put("createdAt", webhook.createdAt().toString());
    return view;
  }

  private static Map<String, Object> view(Delivery delivery) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", delivery.id());
    view.put("webhookId", delivery.webhookId());
    view.put("batchId", delivery.batchId());
    view.put("event", delivery.event());
    view.put("status", delivery.status().name().toLowerCase(Locale.ROOT));
    view.put("attempts", delivery.attempts());
    view.put("lastStatusCode", delivery.lastStatusCode());
    view.put("lastError", delivery.lastError());
    view.put("createdAt", text(delivery.createdAt()));
    view.put("lastAttemptAt", text(delivery.lastAttemptAt()));
    view.put("deliveredAt", text(delivery.deliveredAt()));
    return view;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
