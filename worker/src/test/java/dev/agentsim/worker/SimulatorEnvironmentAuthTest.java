package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/**
 * Whether authentication is required, and where the server listens, by how the service is
 * configured.
 */
class SimulatorEnvironmentAuthTest {

  @Test
  void embeddedDefaultsAreOpenOnLoopbackOnly() {
    MockEnvironment environment = processed(new MockEnvironment());
    assertThat(environment.getProperty("simulator.auth.required", Boolean.class)).isFalse();
    assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
  }

  @Test
  void aDatabaseOrTemporalOfItsOwnRequiresACredentialOnTheConfiguredAddress() {
    for (MockEnvironment environment :
        new MockEnvironment[] {
          new MockEnvironment()
              .withProperty("spring.datasource.url", "jdbc:postgresql://db/agentsim"),
          new MockEnvironment().withProperty("spring.temporal.connection.target", "temporal:7233")
        }) {
      processed(environment);
      assertThat(environment.getProperty("simulator.auth.required", Boolean.class)).isTrue();
      assertThat(environment.getProperty("server.address")).isNull();
    }
  }

  @Test
  void explicitSettingsWin() {
    MockEnvironment required =
        processed(new MockEnvironment().withProperty("simulator.auth.required", "true"));
    assertThat(required.getProperty("simulator.auth.required", Boolean.class)).isTrue();
    assertThat(required.getProperty("server.address")).isNull();

    MockEnvironment off =
        processed(
            new MockEnvironment()
                .withProperty("simulator.auth.required", "false")
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/agentsim"));
    assertThat(off.getProperty("simulator.auth.required", Boolean.class)).isFalse();
    assertThat(off.getProperty("server.address"))
        .as("open, so loopback only")
        .isEqualTo("127.0.0.1");

    MockEnvironment address =
        processed(new MockEnvironment().withProperty("server.address", "0.0.0.0"));
    assertThat(address.getProperty("server.address")).isEqualTo("0.0.0.0");
  }

  private static MockEnvironment processed(MockEnvironment environment) {
    new SimulatorEnvironment().postProcessEnvironment(environment, new SpringApplication());
    return environment;
  }
}
