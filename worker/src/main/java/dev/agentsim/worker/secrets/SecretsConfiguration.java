package dev.agentsim.worker.secrets;

import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.worker.PrivateFiles;
import dev.agentsim.worker.embedded.EmbeddedDatabase;
import dev.agentsim.worker.embedded.RunningPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The key stored secrets are sealed with ({@link SecretBox}): {@code simulator.secrets.key} ({@code
 * SIMULATOR_SECRETS_KEY}), the base64 of 32 bytes, and the keys it replaced, {@code
 * simulator.secrets.previous-keys}, comma-separated, readable until every value is sealed again on
 * start ({@link StoredSecretsSealing}).
 *
 * <p>Without a key, the embedded default makes one and keeps it in its data directory ({@value
 * #KEY_FILE}, readable by its owner only), so kept data stays readable after a restart; with no
 * data directory, whose data goes with the process, the key goes with it. A service on a database
 * of its own does not start without a key: one made up on the spot would leave every secret stored
 * unreadable to the next process, and to the other processes sharing the database.
 */
@Configuration(proxyBeanMethods = false)
public class SecretsConfiguration {

  static final String KEY_FILE = "agentsim-secrets.key";
  private static final String KEY = "simulator.secrets.key";
  private static final String PREVIOUS_KEYS = "simulator.secrets.previous-keys";

  private static final Logger log = LoggerFactory.getLogger(SecretsConfiguration.class);

  @Bean
  SecretBox secretBox(
      SimulatorSettings settings,
      Environment environment,
      ObjectProvider<RunningPostgres> embedded) {
    List<byte[]> previous = new ArrayList<>();
    for (String key : settings.secrets().previousKeys()) {
      if (!key.isBlank()) {
        previous.add(
            SecretBox.decodeKey(key, PREVIOUS_KEYS + " (SIMULATOR_SECRETS_PREVIOUS_KEYS)"));
      }
    }
    String key = settings.secrets().key();
    if (!key.isBlank()) {
      return new SecretBox(
          SecretBox.decodeKey(key, "SIMULATOR_SECRETS_KEY (" + KEY + ")"), previous);
    }
    if (!EmbeddedDatabase.isEmbedded(environment)) {
      throw new IllegalStateException(
          "SIMULATOR_SECRETS_KEY ("
              + KEY
              + ") is not set: agents' header values and "
              + "models' keys are stored encrypted with it. Set it to the base64 of 32 random bytes "
              + "(openssl rand -base64 32), the same for every process on this database, and keep it safe");
    }
    String dataDirectory = settings.embeddedPostgres().dataDirectory();
    if (dataDirectory.isBlank()) {
      return new SecretBox(SecretBox.newKey(), previous);
    }
    // The data directory is PostgreSQL's: once it has started, initdb has filled it and nothing
    // else is.
    embedded.getObject();
    return new SecretBox(keptKey(Path.of(dataDirectory).resolve(KEY_FILE)), previous);
  }

  private static byte[] keptKey(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return SecretBox.decodeKey(Files.readString(file, StandardCharsets.UTF_8), file.toString());
      }
      byte[] key = SecretBox.newKey();
      PrivateFiles.write(file, Base64.getEncoder().encodeToString(key));
      log.info("Made the key that seals stored secrets: {}", file);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "The key that seals stored secrets cannot be kept in " + file, e);
    }
  }
}
