package dev.agentsim.store.apikey;

import dev.agentsim.store.Rows;
import java.sql.Array;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** API keys, found by the hash of their secret. */
@Repository
public class ApiKeyRepository {

  /** Any constant: it serialises the creation of the first key between processes. */
  private static final long FIRST_KEY_LOCK = 0x61676b6579L;

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;

  public ApiKeyRepository(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.transaction = new TransactionTemplate(transactions);
  }

  public ApiKey insert(
      String projectId, String name, List<String> scopes, Instant expiresAt, byte[] secretHash) {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            projectId,
            name,
            List.copyOf(scopes),
            expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS),
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            null);
    jdbc.sql(
            """
            insert into api_keys (id, project_id, name, scopes, secret_hash, expires_at, created_at)
            values (:id, :project, :name, :scopes, :hash, :expires, :created)""")
        .param("id", key.id())
        .param("project", projectId)
        .param("name", name)
        .param("scopes", scopes.toArray(String[]::new))
        .param("hash", secretHash)
        .param("expires", key.expiresAt() == null ? null : Timestamp.from(key.expiresAt()))
        .param("created", Timestamp.from(key.createdAt()))
        .update();
    return key;
  }

  /**
   * Inserts the key only when the table has never held one, also against other processes doing the
   * same at the same time.
   */
  public Optional<ApiKey> insertFirst(String name, List<String> scopes, byte[] secretHash) {
    return transaction.execute(
        status -> {
          jdbc.sql("select pg_advisory_xact_lock(:lock)")
              .param("lock", FIRST_KEY_LOCK)
              .query()
              .singleRow();
          if (jdbc.sql("select exists (select 1 from api_keys)").query(Boolean.class).single()) {
            return Optional.empty();
          }
          return Optional.of(insert(null, name, scopes, null, secretHash));
        });
  }

  public Optional<ApiKey> findBySecretHash(byte[] secretHash) {
    return jdbc.sql("select * from api_keys where secret_hash = :hash")
        .param("hash", secretHash)
        .query(ApiKeyRepository::map)
        .optional();
  }

  /**
   * Keys not revoked, oldest first: of one project, or of every project when {@code projectId} is
   * null.
   */
  public List<ApiKey> list(String projectId, int limit, int skip) {
    return jdbc.sql(
            """
            select * from api_keys where revoked_at is null and (cast(:project as text) is null or project_id = :project)
            order by created_at, id limit :limit offset :skip""")
        .param("project", projectId)
        .param("limit", limit)
        .param("skip", skip)
        .query(ApiKeyRepository::map)
        .list();
  }

  /**
   * Revokes a key not revoked yet: of that project, or any when {@code projectId} is null.
   *
   * @return whether there was such a key
   */
  public boolean revoke(String projectId, UUID id) {
    return jdbc.sql(
                """
            update api_keys set revoked_at = now()
            where id = :id and revoked_at is null and (cast(:project as text) is null or project_id = :project)""")
            .param("id", id)
            .param("project", projectId)
            .update()
        == 1;
  }

  private static ApiKey map(ResultSet rs, int row) throws SQLException {
    Array scopes = rs.getArray("scopes");
    return new ApiKey(
        rs.getObject("id", UUID.class),
        rs.getString("project_id"),
        rs.getString("name"),
        Arrays.asList((String[]) scopes.getArray()),
        Rows.instant(rs, "expires_at"),
        Rows.instant(rs, "created_at"),
        Rows.instant(rs, "revoked_at"));
  }
}
