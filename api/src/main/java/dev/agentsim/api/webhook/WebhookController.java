package dev.agentsim.api.webhook;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.openapi.Pagination;
import dev.agentsim.store.webhook.Delivery;
import dev.agentsim.store.webhook.Webhook;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
 * A project's webhooks: URLs told when one of its batches finishes, and what was delivered to them.
 * The signing secret is in the answer to the creation only.
 */
@RestController
@RequestMapping("/v1/webhooks")
@Tag(name = "Webhooks", description = "URLs told when a batch of the project finishes")
public class WebhookController {

  private static final int MAX_LIMIT = 100;

  private final Webhooks webhooks;

  public WebhookController(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** A webhook as the API document shows it; {@code secret} only in the answer to its creation. */
  @Schema(name = "Webhook")
  record WebhookView(
      UUID id,
      String projectId,
      String url,
      List<String> events,
      String description,
      String createdAt,
      @Schema(description = "The signing secret: in the answer to the creation only")
          String secret) {}

  record WebhookPage(List<WebhookView> data, Pagination pagination) {}

  @Schema(name = "WebhookDelivery")
  record DeliveryView(
      UUID id,
      UUID webhookId,
      UUID batchId,
      String event,
      @Schema(description = "pending, delivered or failed") String status,
      int attempts,
      Integer lastStatusCode,
      String lastError,
      String createdAt,
      String lastAttemptAt,
      String deliveredAt) {}

  record DeliveryPage(List<DeliveryView> data, Pagination pagination) {}

  /** 201 with the webhook and its {@code secret}, which is never shown again. */
  @Operation(summary = "Create a webhook")
  @ApiResponse(
      responseCode = "201",
      description = "The webhook with its secret, which is never shown again",
      content = @Content(schema = @Schema(implementation = WebhookView.class)))
  @PostMapping
  public ResponseEntity<Map<String, Object>> create(
      @RequestParam String projectId, @RequestBody WebhookRequest body) {
    Webhooks.Created created = webhooks.create(projectId, body);
    Map<String, Object> view = view(created.webhook());
    view.put("secret", created.secret());
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(created.webhook().id())
            .toUri();
    return ResponseEntity.created(location).body(view);
  }

  /** The project's webhooks, oldest first, without their secrets. */
  @Operation(
      summary = "List webhooks",
      description = "The project's webhooks, oldest first, without their secrets")
  @ApiResponse(
      responseCode = "200",
      description = "One page of webhooks",
      content = @Content(schema = @Schema(implementation = WebhookPage.class)))
  @GetMapping
  public Map<String, Object> list(
      @RequestParam String projectId,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    checkPage(limit, skip);
    List<Webhook> page = webhooks.list(projectId, limit + 1, skip);
    return page(
        page.stream().limit(limit).map(WebhookController::view).toList(),
        limit,
        skip,
        page.size() > limit);
  }

  @Operation(summary = "Read a webhook", description = "Without its secret")
  @ApiResponse(
      responseCode = "200",
      description = "The webhook",
      content = @Content(schema = @Schema(implementation = WebhookView.class)))
  @GetMapping("/{id}")
  public Map<String, Object> get(@RequestParam String projectId, @PathVariable UUID id) {
    return view(webhooks.find(projectId, id).orElseThrow(() -> Webhooks.notFound(id)));
  }

  /** Deletes the webhook and its deliveries (204); a delivery still being retried stops. */
  @Operation(
      summary = "Delete a webhook",
      description = "With its deliveries; one still being retried stops")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DeleteMapping("/{id}")
  public ResponseEntity<Void> delete(@RequestParam String projectId, @PathVariable UUID id) {
    if (!webhooks.delete(projectId, id)) {
      throw Webhooks.notFound(id);
    }
    return ResponseEntity.noContent().build();
  }

  /** The webhook's deliveries, newest first, with their status and how their last attempt went. */
  @Operation(
      summary = "List a webhook's deliveries",
      description = "Newest first, with their status and how their " + "last attempt went")
  @ApiResponse(
      responseCode = "200",
      description = "One page of deliveries",
      content = @Content(schema = @Schema(implementation = DeliveryPage.class)))
  @GetMapping("/{id}/deliveries")
  public Map<String, Object> deliveries(
      @RequestParam String projectId,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    checkPage(limit, skip);
    List<Delivery> page = webhooks.deliveries(projectId, id, limit + 1, skip);
    return page(
        page.stream().limit(limit).map(WebhookController::view).toList(),
        limit,
        skip,
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

  private static Map<String, Object> page(
      List<Map<String, Object>> data, int limit, int skip, boolean hasNext) {
    return Map.of(
        "data", data, "pagination", Map.of("limit", limit, "skip", skip, "hasNext", hasNext));
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
