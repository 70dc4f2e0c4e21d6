package dev.agentsim.worker.embedded;

import dev.agentsim.worker.PrivateFiles;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes the embedded PostgreSQL require a password of every connection, local ones too. zonky's
 * initdb trusts every local connection; before each start of the server (zonky's data directory
 * customizer) its {@code pg_hba.conf} is rewritten to {@code scram-sha-256} throughout. A data
 * directory without the password file, fresh or kept from before passwords, first gets one: set
 * with the server in single-user mode, which listens on nothing, so no connection is ever taken
 * without the password. The password is kept in the data directory ({@value #PASSWORD_FILE},
 * readable by its owner only), so a kept directory opens again after a restart.
 */
final class PasswordAuthentication implements Consumer<File> {

  static final String PASSWORD_FILE = "agentsim-db.password";
  private static final String SUPERUSER = "postgres";
  private static final List<String> HBA =
      List.of(
          "# Written by AgentSim on every start: every connection gives the password kept in "
              + PASSWORD_FILE,
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String password;

  private PasswordAuthentication(String password) {
    this.password = password;
  }

  /**
   * The password of a data directory: the kept one, or a new one that {@link #accept} sets.
   *
   * @param dataDirectory null for a directory zonky creates afresh
   */
  static PasswordAuthentication of(Path dataDirectory) throws IOException {
    Path kept = dataDirectory == null ? null : dataDirectory.resolve(PASSWORD_FILE);
    if (kept != null && Files.isRegularFile(kept)) {
      return new PasswordAuthentication(Files.readString(kept, StandardCharsets.UTF_8).strip());
    }
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    return new PasswordAuthentication(
        Base64.getUrlEncoder().withoutPadding().encodeToString(random));
  }

  String user() {
    return SUPERUSER;
  }

  String password() {
    return password;
  }

  /** Runs after initdb, before the server starts. */
  @Override
  public void accept(File directory) {
    Path dataDirectory = directory.toPath();
    try {
      Path kept = dataDirectory.resolve(PASSWORD_FILE);
      if (!Files.isRegularFile(kept)) {
        setPassword(dataDirectory);
        keep(kept);
      }
      Files.write(dataDirectory.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void setPassword(Path dataDirectory) throws IOException {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      // As zonky runs its commands: the server refuses to run as root, and in a user namespace it
      // is not.
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            PostgresBinaries.INSTANCE.server().toString(),
            "--single",
            "-D",
            dataDirectory.toString(),
            // A failed statement must not be echoed with the password in it.
            "-c",
            "log_min_error_statement=panic",
            "-c",
            "exit_on_error=true",
            // The password is 24 random bytes: SCRAM's 4,096 rounds of key stretching, meant for
            // passwords people choose, protect nothing here and cost every new connection of the
            // pool
            // some 10 ms of CPU on each side (seen in a profile of a batch as 14% of the service's
            // CPU).
            "-c",
            "scram_iterations=1",
            SUPERUSER));
    Process backend =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (Writer in = backend.outputWriter(StandardCharsets.UTF_8)) {
      in.write("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "';\n");
    }
    try {
      if (!backend.waitFor(60, TimeUnit.SECONDS)) {
        backend.destroyForcibly();
        throw new IOException(
            "Setting the embedded PostgreSQL's password did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while setting the embedded PostgreSQL's password", e);
    }
    if (backend.exitValue() != 0) {
      throw new IOException(
          "Setting the embedded PostgreSQL's password failed (exit " + backend.exitValue() + ")");
    }
  }

  private void keep(Path file) throws IOException {
    PrivateFiles.write(file, password);
  }
}
