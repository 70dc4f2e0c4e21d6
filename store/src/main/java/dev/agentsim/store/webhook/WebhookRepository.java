package dev.agentsim.store.webhook;

import dev.agentsim.store.Rows;
import dev.agentsim.store.secret.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Webhooks with their sealed signing secrets, and their deliveries. */
@Repository
public class WebhookRepository {

  private static final String DELIVERY_COLUMNS =
      """
      d.id, d.webhook_id, d.batch_id, d.event, d.status, d.attempts, d.last_status_code, d.last_error,
      d.created_at, d.last_attempt_at, d.delivered_at""";

  private final JdbcClient jdbc;
  private final SecretBox secrets;

  public WebhookRepository(JdbcClient jdbc, SecretBox secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
  }

  /**
   * @param secret the signing secret in plain text: stored sealed
   */
  public Webhook insert(
      String projectId, String url, List<String> events, String description, String secret) {
    Webhook webhook =
        new Webhook(
            UUID.randomUUID(),
            projectId,
            url,
            List.copyOf(events),
            description,
            Instant.now().truncatedTo(ChronoUnit.MICROS));
    jdbc.sql(
            """
            insert into webhooks (id, project_id, url, events, description, secret, created_at)
            values (:id, :project, :url, :events, :description, :secret, :created)""")
        .param("id", webhook.id())
        .param("project", projectId)
        .param("url", url)
        .param("events", events.toArray(String[]::new))
        .param("description", description)
        .param("secret", secrets.seal(secret))
        .param("created", Timestamp.from(webhook.createdAt()))
        .update();
    return webhook;
  }

  /** A page of the project's webhooks, oldest first. */
  public List<Webhook> list(String projectId, int limit, int skip) {
    return jdbc.sql(
            "select * from webhooks where project_id = :project order by created_at, id limit :limit offset :skip")
        .param("project", projectId)
        .param("limit", limit)
        .param("skip", skip)
        .query(WebhookRepository::webhook)
        .list();
  }

  public Optional<Webhook> find(String projectId, UUID id) {
    return jdbc.sql("select * from webhooks where id = :id and project_id = :project")
        .param("id", id)
        .param("project", projectId)
        .query(WebhookRepository::webhook)
        .optional();
  }

  /** Deletes the webhook with its deliveries; false when the project has no such webhook. */
  public boolean delete(String projectId, UUID id) {
    return jdbc.sql("delete from webhooks where id = :id and project_id = :project")
            .param("id", id)
            .param("project", projectId)
            .update()
        > 0;
  }

  /** The project's webhooks told of the event. */
  public List<Webhook> subscribedTo(String projectId, WebhookEvent event) {
    return jdbc.sql(
            "select * from webhooks where project_id = :project and :event = any (events) order by created_at")
        .param("project", projectId)
        .param("event", event.wire())
        .query(WebhookRepository::webhook)
        .list();
  }

  /**
   * Records the delivery of an event about a batch to a webhook, unless there is one already: the
   * id of the one that stands, new or earlier.
   *
   * @param payload the body every attempt sends
   */
  public UUID insertDelivery(
      UUID id, UUID webhookId, UUID batchId, WebhookEvent event, String payload) {
    jdbc.sql(
            """
            insert into webhook_deliveries (id, webhook_id, batch_id, event, payload, status, created_at)
            values (:id, :webhook, :batch, :event, :payload, 'PENDING', :now)
            on conflict (webhook_id, batch_id) do nothing""")
        .param("id", id)
        .param("webhook", webhookId)
        .param("batch", batchId)
        .param("event", event.wire())
        .param("payload", payload)
        .param("now", Timestamp.from(Instant.now()))
        .update();
    return jdbc.sql(
            "select id from webhook_deliveries where webhook_id = :webhook and batch_id = :batch")
        .param("webhook", webhookId)
        .param("batch", batchId)
        .query(UUID.class)
        .single();
  }

  /**
   * What a delivery sends and where to.
   *
   * @param secret the webhook's signing secret, unsealed
   */
  public record Outgoing(
      UUID id, String event, String url, String secret, String payload, Delivery.Status status) {}

  /** The delivery as it is to be sent; empty when it is gone with its webhook. */
  public Optional<Outgoing> outgoing(UUID deliveryId) {
    return jdbc.sql(
            """
            select d.id, d.event, d.payload, d.status, w.url, w.secret
            from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.id = :id""")
        .param("id", deliveryId)
        .query(
            (rs, n) ->
                new Outgoing(
                    rs.getObject("id", UUID.class),
                    rs.getString("event"),
                    rs.getString("url"),
                    secrets.unseal(rs.getString("secret")),
                    rs.getString("payload"),
                    Rows.enumValue(rs, "status", Delivery.Status.class)))
        .optional();
  }

  /**
   * Records an attempt: delivered when the receiver answered 2xx, else still pending.
   *
   * @param statusCode the receiver's answer; null when none came
   * @param error why it failed; null when it was delivered
   */
  public void recordAttempt(UUID deliveryId, int attempt, Integer statusCode, String error) {
    Instant now = Instant.now();
    jdbc.sql(
            """
            update webhook_deliveries set attempts = greatest(attempts, :attempt), last_status_code = :code,
                   last_error = :error, last_attempt_at = :now,
                   status = case when :delivered then 'DELIVERED' else status end,
                   delivered_at = case when :delivered then :now else delivered_at end
            where id = :id and status = 'PENDING'""")
        .param("id", deliveryId)
        .param("attempt", attempt)
        .param("code", statusCode)
        .param("error", error)
        .param("delivered", error == null)
        .param("now", Timestamp.from(now))
        .update();
  }

  /** Gives a delivery up: its attempts ran out, or its URL may not be called. */
  public void markFailed(UUID deliveryId) {
    jdbc.sql(
            "update webhook_deliveries set status = 'FAILED' where id = :id and status = 'PENDING'")
        .param("id", deliveryId)
        .update();
  }

  /** A page of the webhook's deliveries, newest first. */
  public List<Delivery> deliveries(UUID webhookId, int limit, int skip) {
    return jdbc.sql(
            "select "
                + DELIVERY_COLUMNS
                + """
             from webhook_deliveries d where d.webhook_id = :webhook
            order by d.created_at desc, d.id limit :limit offset :skip""")
        .param("webhook", webhookId)
        .param("limit", limit)
        .param("skip", skip)
        .query(WebhookRepository::delivery)
        .list();
  }

  /** Seals every webhook's secret with the current key (after a rotation); how many changed. */
  public int resealSecrets() {
    int changed = 0;
    for (StoredSecret row :
        jdbc.sql("select id, secret from webhooks")
            .query(
                (rs, n) -> new StoredSecret(rs.getObject("id", UUID.class), rs.getString("secret")))
            .list()) {
      String resealed = secrets.reseal(row.secret());
      if (!resealed.equals(row.secret())) {
        changed +=
            jdbc.sql("update webhooks set secret = :sealed where id = :id and secret = :stored")
                .param("id", row.id())
                .param("stored", row.secret())
                .param("sealed", resealed)
                .update();
      }
    }
    return changed;
  }

  private record StoredSecret(UUID id, String secret) {}

  private static Webhook webhook(ResultSet rs, int row) throws SQLException {
    return new Webhook(
        rs.getObject("id", UUID.class),
        rs.getString("project_id"),
        rs.getString("url"),
        Arrays.asList((String[]) rs.getArray("events").getArray()),
        rs.getString("description"),
        Rows.instant(rs, "created_at"));
  }

  private static Delivery delivery(ResultSet rs, int row) throws SQLException {
    return new Delivery(
        rs.getObject("id", UUID.class),
        rs.getObject("webhook_id", UUID.class),
        rs.getObject("batch_id", UUID.class),
        rs.getString("event"),
        Rows.enumValue(rs, "status", Delivery.Status.class),
        rs.getInt("attempts"),
        (Integer) rs.getObject("last_status_code"),
        rs.getString("last_error"),
        Rows.instant(rs, "created_at"),
        Rows.instant(rs, "last_attempt_at"),
        Rows.instant(rs, "delivered_at"));
  }
}
