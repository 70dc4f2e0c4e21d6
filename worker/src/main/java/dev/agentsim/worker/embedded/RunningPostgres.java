package dev.agentsim.worker.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/** The embedded PostgreSQL once started, and the credentials it requires. */
public record RunningPostgres(EmbeddedPostgres server, String user, String password)
    implements AutoCloseable {

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** Not the password. */
  @Override
  public String toString() {
    return "RunningPostgres[port=" + server.getPort() + "]";
  }
}
