package dev.agentsim.worker.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * zonky's PostgreSQL binaries, and where it unpacks them: {@code PG-<MD5 of the archive>} in its
 * working directory ({@code ot.epg.working-dir}, by default {@code embedded-pg} in the temporary
 * directory). zonky runs only initdb, pg_ctl and the server itself; setting the password before the
 * server first listens needs the server binary in single-user mode, see {@link
 * PasswordAuthentication}.
 *
 * <p>One instance for the JVM: zonky unpacks once per resolver.
 */
final class PostgresBinaries implements PgBinaryResolver {

  static final PostgresBinaries INSTANCE = new PostgresBinaries();

  private volatile String archiveDigest;

  private PostgresBinaries() {}

  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    byte[] archive;
    try (InputStream in =
        DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
      archive = in.readAllBytes();
    }
    try {
      archiveDigest = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("MD5 is not available", e);
    }
    return new ByteArrayInputStream(archive);
  }

  /** The server binary zonky unpacked; known once zonky has unpacked them. */
  Path server() throws IOException {
    String digest = archiveDigest;
    Path workingDirectory =
        Path.of(
            System.getProperty(
                "ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    Path server = workingDirectory.resolve("PG-" + digest).resolve("bin").resolve("postgres");
    if (digest == null || !Files.isExecutable(server)) {
      throw new IOException("The embedded PostgreSQL server binary is not at " + server);
    }
    return server;
  }
}
