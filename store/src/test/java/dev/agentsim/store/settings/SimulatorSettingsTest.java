package dev.agentsim.store.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsim.workflows.RetrySettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.mock.env.MockEnvironment;

class SimulatorSettingsTest {

  @Test
  void withNothingSetEverySettingHasItsDocumentedDefault() {
    SimulatorSettings settings = SimulatorSettings.of(Map.of());

    assertThat(settings.retry().settings()).isEqualTo(RetrySettings.DEFAULT);
    assertThat(settings.runTimeoutSeconds()).isEqualTo(1800);
    assertThat(settings.llm().timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.llm().slotWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.llm().model()).isEqualTo("gpt-4o-mini");
    assertThat(settings.agent().maxReplyBytes().toBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.api().maxBodyBytes().toBytes()).isEqualTo(5_242_880);
    assertThat(settings.api().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.batch().stallCheck()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.rejudge().concurrency()).isEqualTo(10);
    assertThat(settings.sweep().every()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.sweep().after()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.outbound().allow()).isEmpty();
    assertThat(settings.auth().required()).isTrue();
    assertThat(settings.auth().adminKey()).isEmpty();
    assertThat(settings.auth().jwt().projectsClaim()).isEqualTo("projects");
    assertThat(settings.secrets().previousKeys()).isEmpty();
    assertThat(settings.feather().defaultProject()).isEqualTo("demo");
    assertThat(settings.interactly().defaultTeamId()).isEqualTo("default");
    assertThat(settings.worker().stickyQueues()).isTrue();
    assertThat(settings.embeddedTemporal().keepClosed()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.embeddedPostgres().dataDirectory()).isEmpty();
  }

  @Test
  void valuesAreReadInEveryFormTheReadmeGives() {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("simulator.retry.max-attempts", "2")
            .withProperty("simulator.llm.timeout", "PT90S")
            .withProperty("simulator.llm.slot-wait", "1500")
            .withProperty("simulator.agent.max-reply-bytes", "512KB")
            .withProperty("simulator.api.max-body-bytes", "1048576")
            .withProperty("simulator.outbound.allow", "10.0.0.0/8, agents.internal")
            .withProperty("simulator.secrets.previous-keys", "a2V5MQ==,a2V5Mg==");

    SimulatorSettings settings = SimulatorSettings.of(environment);

    assertThat(settings.retry().maxAttempts()).isEqualTo(2);
    assertThat(settings.retry().attemptTimeoutSeconds()).isEqualTo(120);
    assertThat(settings.llm().timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.llm().slotWait()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.agent().maxReplyBytes().toBytes()).isEqualTo(512 * 1024);
    assertThat(settings.api().maxBodyBytes().toBytes()).isEqualTo(1_048_576);
    assertThat(settings.outbound().allow()).containsExactly("10.0.0.0/8", "agents.internal");
    assertThat(settings.secrets().previousKeys()).containsExactly("a2V5MQ==", "a2V5Mg==");
  }

  @Test
  void aValueOfTheWrongKindIsRefusedNamingTheProperty() {
    assertThatThrownBy(() -> SimulatorSettings.of(Map.of("simulator.llm.timeout", "a minute")))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("simulator.llm.timeout");
  }
}
