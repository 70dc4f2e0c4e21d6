package dev.agentsim.store.definition;

import dev.agentsim.store.secret.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agents, models, personas, scenarios and suites, each a JSON document scoped to a project. Secrets
 * (an agent's header values, a model's key) are sealed as they are written, and read sealed: only
 * the code that sends them unseals them, see {@link SecretBox}.
 */
@Repository
public class DefinitionRepository {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final SecretBox secrets;

  public DefinitionRepository(JdbcClient jdbc, JsonMapper json, SecretBox secrets) {
    this.jdbc = jdbc;
    this.json = json;
    this.secrets = secrets;
  }

  public <T extends Named> Stored<T> insert(String projectId, Kind kind, T spec) {
    return insert(UUID.randomUUID(), projectId, kind, spec);
  }

  /** Inserts with a chosen id; used for the built-in demo objects. */
  public <T extends Named> Stored<T> insert(UUID id, String projectId, Kind kind, T given) {
    T spec = sealed(given);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    jdbc.sql(
            """
            insert into definitions (id, project_id, kind, name, body, created_at, updated_at)
            values (:id, :project, :kind, :name, :body::jsonb, :now, :now)""")
        .param("id", id)
        .param("project", projectId)
        .param("kind", kind.name())
        .param("name", spec.name())
        .param("body", json.writeValueAsString(spec))
        .param("now", Timestamp.from(now))
        .update();
    return new Stored<>(id, projectId, spec, now, now);
  }

  public <T> Optional<Stored<T>> find(String projectId, Kind kind, UUID id, Class<T> type) {
    return jdbc.sql(
            "select * from definitions where id = :id and project_id = :project and kind = :kind")
        .param("id", id)
        .param("project", projectId)
        .param("kind", kind.name())
        .query((rs, n) -> map(rs, type))
        .optional();
  }

  /**
   * Finds by id alone: activities act on ids that were checked against the project when scheduled.
   */
  public <T> T get(Kind kind, UUID id, Class<T> type) {
    return jdbc.sql("select * from definitions where id = :id and kind = :kind")
        .param("id", id)
        .param("kind", kind.name())
        .query((rs, n) -> map(rs, type))
        .optional()
        .orElseThrow(() -> new IllegalStateException(kind + " " + id + " no longer exists"))
        .spec();
  }

  /**
   * Holds off, until the current transaction ends, every other transaction that asks the same for
   * this project: two applications of one file at once (parallel CI jobs) would otherwise both find
   * no object of a name and both create one.
   */
  public void lockProject(String projectId) {
    jdbc.sql("select pg_advisory_xact_lock(hashtext('definitions'), hashtext(:project))")
        .param("project", projectId)
        .query()
        .singleRow();
  }

  /**
   * The objects of this kind with this name, oldest first: names are not unique, though apply
   * matches by them.
   */
  public <T> List<Stored<T>> findByName(String projectId, Kind kind, String name, Class<T> type) {
    return jdbc.sql(
            """
            select * from definitions where project_id = :project and kind = :kind and name = :name
            order by created_at, id""")
        .param("project", projectId)
        .param("kind", kind.name())
        .param("name", name)
        .query((rs, n) -> map(rs, type))
        .list();
  }

  public <T> List<Stored<T>> list(String projectId, Kind kind, Class<T> type, int limit, int skip) {
    return jdbc.sql(
            """
            select * from definitions where project_id = :project and kind = :kind
            order by created_at, id limit :limit offset :skip""")
        .param("project", projectId)
        .param("kind", kind.name())
        .param("limit", limit)
        .param("skip", skip)
        .query((rs, n) -> map(rs, type))
        .list();
  }

  /**
   * The project's scenarios, but those made for the batches of one API dialect: scenarios such a
   * dialect creates implicitly, one per batch, belong to the batch rather than to the project.
   */
  public List<Stored<ScenarioSpec>> listScenariosExceptImplicit(
      String projectId, String implicitFor, int limit, int skip) {
    return jdbc.sql(
            """
            select * from definitions d where project_id = :project and kind = 'SCENARIO'
              and not exists (select 1 from batches b where b.scenario_id = d.id and b.end_point_type = :implicitFor)
            order by created_at, id limit :limit offset :skip""")
        .param("project", projectId)
        .param("implicitFor", implicitFor)
        .param("limit", limit)
        .param("skip", skip)
        .query((rs, n) -> map(rs, ScenarioSpec.class))
        .list();
  }

  public <T extends Named> Optional<Stored<T>> update(
      String projectId, Kind kind, UUID id, T given) {
    T spec = sealed(given);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    int updated =
        jdbc.sql(
                """
            update definitions set name = :name, body = :body::jsonb, updated_at = :now
            where id = :id and project_id = :project and kind = :kind""")
            .param("id", id)
            .param("project", projectId)
            .param("kind", kind.name())
            .param("name", spec.name())
            .param("body", json.writeValueAsString(spec))
            .param("now", Timestamp.from(now))
            .update();
    if (updated == 0) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) spec.getClass();
    return find(projectId, kind, id, type);
  }

  public boolean delete(String projectId, Kind kind, UUID id) {
    return jdbc.sql(
                "delete from definitions where id = :id and project_id = :project and kind = :kind")
            .param("id", id)
            .param("project", projectId)
            .param("kind", kind.name())
            .update()
        > 0;
  }

  /** The agent's newest revision; empty when the agent does not exist. */
  public Optional<AgentRevision> latestAgentRevision(UUID agentId) {
    return jdbc.sql(
            "select * from agent_revisions where agent_id = :agent order by number desc limit 1")
        .param("agent", agentId)
        .query((rs, n) -> revision(rs))
        .optional();
  }

  /** A revision of this agent; empty when there is none of that id, or it is another agent's. */
  public Optional<AgentRevision> agentRevision(UUID agentId, UUID revisionId) {
    return jdbc.sql("select * from agent_revisions where id = :id and agent_id = :agent")
        .param("id", revisionId)
        .param("agent", agentId)
        .query((rs, n) -> revision(rs))
        .optional();
  }

  /** The agent's revisions, newest first. */
  public List<AgentRevision> agentRevisions(UUID agentId, int limit, int skip) {
    return jdbc.sql(
            """
            select * from agent_revisions where agent_id = :agent
            order by number desc limit :limit offset :skip""")
        .param("agent", agentId)
        .param("limit", limit)
        .param("skip", skip)
        .query((rs, n) -> revision(rs))
        .list();
  }

  /**
   * The agent as one revision stored it. Like {@link #get}, for activities acting on a revision
   * checked against its agent when the batch was scheduled.
   */
  public <T> T getAgentRevision(UUID agentId, UUID revisionId, Class<T> type) {
    return jdbc.sql("select body from agent_revisions where id = :id and agent_id = :agent")
        .param("id", revisionId)
        .param("agent", agentId)
        .query(String.class)
        .optional()
        .map(body -> json.readValue(body, type))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Revision " + revisionId + " of agent " + agentId + " no longer exists"));
  }

  /**
   * Seals every stored secret with the current key: those stored before secrets were sealed, and
   * those sealed with a previous key. Agents' revisions too; sealing is no change of the agent, so
   * it adds no revision (its {@code updated_at} stays). A row changed meanwhile by another process
   * (which sealed it as it wrote it) is left to that process.
   *
   * @return the rows sealed anew
   */
  public int sealStoredSecrets() {
    int sealed = 0;
    for (Row row :
        jdbc.sql(
                "select id, kind, body::text as body from definitions where kind in ('AGENT', 'MODEL')")
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("body")))
            .list()) {
      sealed +=
          reseal(
              "definitions",
              row.id(),
              row.body(),
              Kind.valueOf(row.kind()) == Kind.AGENT ? AgentSpec.class : ModelSpec.class);
    }
    for (Row row :
        jdbc.sql("select id, body::text as body from agent_revisions")
            .query((rs, n) -> new Row(rs.getObject("id", UUID.class), null, rs.getString("body")))
            .list()) {
      sealed += reseal("agent_revisions", row.id(), row.body(), AgentSpec.class);
    }
    return sealed;
  }

  private record Row(UUID id, String kind, String body) {}

  private int reseal(String table, UUID id, String body, Class<? extends Named> type) {
    Named spec = json.readValue(body, type);
    Named resealed = sealed(spec);
    if (resealed.equals(spec)) {
      return 0;
    }
    return jdbc.sql(
            "update " + table + " set body = :sealed::jsonb where id = :id and body = :body::jsonb")
        .param("id", id)
        .param("body", body)
        .param("sealed", json.writeValueAsString(resealed))
        .update();
  }

  @SuppressWarnings("unchecked")
  private <T> T sealed(T spec) {
    if (spec instanceof AgentSpec agent) {
      return (T) agent.withSecrets(secrets::reseal);
    }
    if (spec instanceof ModelSpec model) {
      return (T) model.withSecrets(secrets::reseal);
    }
    return spec;
  }

  private static AgentRevision revision(ResultSet rs) throws SQLException {
    return new AgentRevision(
        rs.getObject("id", UUID.class),
        rs.getObject("agent_id", UUID.class),
        rs.getInt("number"),
        rs.getTimestamp("created_at").toInstant());
  }

  private <T> Stored<T> map(ResultSet rs, Class<T> type) throws SQLException {
    return new Stored<>(
        rs.getObject("id", UUID.class),
        rs.getString("project_id"),
        json.readValue(rs.getString("body"), type),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
