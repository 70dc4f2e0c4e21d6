package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The outbound policy's default follows the mode: loopback only for one person's embedded service.
 */
class SimulatorEnvironmentTest {

  private static String allowed(MockEnvironment environment) {
    new SimulatorEnvironment().postProcessEnvironment(environment, null);
    return environment.getProperty("simulator.outbound.allow");
  }

  @Test
  void embeddedModeAllowsLoopback() {
    assertThat(allowed(new MockEnvironment())).isEqualTo("127.0.0.0/8,::1/128");
  }

  @Test
  void aRealDatabaseOrTemporalAllowsNothingBeyondPublicAddresses() {
    assertThat(
            allowed(
                new MockEnvironment()
                    .withProperty("spring.datasource.url", "jdbc:postgresql://db/sim")))
        .isEmpty();
    assertThat(
            allowed(
                new MockEnvironment()
                    .withProperty("spring.temporal.connection.target", "temporal:7233")))
        .isEmpty();
  }

  @Test
  void anExplicitListWins() {
    assertThat(
            allowed(
                new MockEnvironment()
                    .withProperty("spring.datasource.url", "jdbc:postgresql://db/sim")
                    .withProperty("simulator.outbound.allow", "10.0.0.0/8,agents.internal")))
        .isEqualTo("10.0.0.0/8,agents.internal");
  }
}
