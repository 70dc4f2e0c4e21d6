package dev.agentsim.worker.embedded;

import dev.agentsim.store.settings.SimulatorSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * The embedded PostgreSQL while it starts on a thread of its own. Whoever started it stops it:
 * {@link #close()} waits for a start still under way, so a failed application start leaves no
 * server behind.
 */
final class StartingPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StartingPostgres.class);

  private final CompletableFuture<RunningPostgres> postgres = new CompletableFuture<>();

  private StartingPostgres() {}

  /** Starts the server configured by {@code simulator.embedded-postgres.*} in the background. */
  static StartingPostgres start(Environment environment) {
    SimulatorSettings.EmbeddedPostgres settings =
        SimulatorSettings.of(environment).embeddedPostgres();
    String dataDirectory = settings.dataDirectory();
    int port = settings.port();
    StartingPostgres starting = new StartingPostgres();
    Thread thread =
        new Thread(
            () -> {
              try {
                EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder().setPgBinaryResolver(PostgresBinaries.INSTANCE);
                Path kept = dataDirectory.isBlank() ? null : Path.of(dataDirectory);
                if (kept != null) {
                  stopOrphanedServer(kept);
                  builder.setDataDirectory(kept).setCleanDataDirectory(false);
                }
                if (port > 0) {
                  builder.setPort(port);
                }
                PasswordAuthentication authentication = PasswordAuthentication.of(kept);
                builder
                    .setDataDirectoryCustomizer(authentication)
                    // zonky's own readiness check connects too
                    .setConnectConfig("password", authentication.password());
                starting.postgres.complete(
                    new RunningPostgres(
                        builder.start(), authentication.user(), authentication.password()));
              } catch (Throwable e) {
                starting.postgres.completeExceptionally(e);
              }
            },
            "embedded-postgres-start");
    thread.start();
    return starting;
  }

  /**
   * Stops the server an earlier process left running on the kept data directory: a process killed
   * outright (kill -9) cannot stop its PostgreSQL, which would keep the directory locked. Its
   * clients died with that process, so it shuts down at once.
   */
  private static void stopOrphanedServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
      return;
    }
    Optional<ProcessHandle> server =
        ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
            .filter(
                process ->
                    process
                        .info()
                        .command()
                        .map(command -> command.endsWith("postgres"))
                        .orElse(false));
    if (server.isEmpty()) {
      return; // a stale file: PostgreSQL itself deals with it
    }
    log.warn(
        "Stopping the embedded PostgreSQL (pid {}) that an earlier process left running on {}",
        server.get().pid(),
        dataDirectory);
    server.get().destroy();
    try {
      server.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IOException(
          "The PostgreSQL an earlier process left running on "
              + dataDirectory
              + " did not stop (pid "
              + server.get().pid()
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while stopping an earlier PostgreSQL", e);
    }
  }

  /** The running server, once started; a start that failed fails here, naming the cause. */
  RunningPostgres await() {
    try {
      return postgres.join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "The embedded PostgreSQL did not start: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() throws IOException {
    RunningPostgres started;
    try {
      started = postgres.join();
    } catch (CompletionException e) {
      return;
    }
    started.close();
  }
}
