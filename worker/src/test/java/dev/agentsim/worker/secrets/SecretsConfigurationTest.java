package dev.agentsim.worker.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.worker.embedded.RunningPostgres;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

class SecretsConfigurationTest {

  private final ObjectProvider<RunningPostgres> noEmbeddedDatabase =
      new StaticListableBeanFactory().getBeanProvider(RunningPostgres.class);

  @Test
  void aServiceOnItsOwnDatabaseDoesNotStartWithoutAKey() {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/agentsim");

    assertThatThrownBy(() -> secretBox(environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("SIMULATOR_SECRETS_KEY (simulator.secrets.key) is not set");
  }

  @Test
  void theConfiguredKeySealsAndThePreviousOnesStillRead() {
    byte[] current = SecretBox.newKey();
    byte[] previous = SecretBox.newKey();
    String sealedBefore = new SecretBox(previous, List.of()).seal("sk-old");
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/agentsim")
            .withProperty("simulator.secrets.key", Base64.getEncoder().encodeToString(current))
            .withProperty(
                "simulator.secrets.previous-keys", Base64.getEncoder().encodeToString(previous));

    SecretBox box = secretBox(environment);

    assertThat(box.unseal(sealedBefore)).isEqualTo("sk-old");
    assertThat(new SecretBox(current, List.of()).unseal(box.seal("sk-new"))).isEqualTo("sk-new");
  }

  @Test
  void aKeyThatIsNoKeyIsNamed() {
    MockEnvironment environment =
        new MockEnvironment().withProperty("simulator.secrets.key", "c2hvcnQ=");

    assertThatThrownBy(() -> secretBox(environment))
        .hasMessageStartingWith(
            "SIMULATOR_SECRETS_KEY (simulator.secrets.key) must be the base64 of 32 bytes");
  }

  private SecretBox secretBox(MockEnvironment environment) {
    return new SecretsConfiguration()
        .secretBox(SimulatorSettings.of(environment), environment, noEmbeddedDatabase);
  }
}
