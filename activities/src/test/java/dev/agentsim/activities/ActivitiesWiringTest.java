package dev.agentsim.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.retention.RetentionRepository;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.store.secret.SecretBox;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.store.webhook.WebhookRepository;
import dev.agentsim.workflows.batch.BatchActivities;
import dev.agentsim.workflows.rejudge.RejudgeActivities;
import dev.agentsim.workflows.retention.RetentionActivities;
import dev.agentsim.workflows.run.AgentActivities;
import dev.agentsim.workflows.run.RunActivities;
import dev.agentsim.workflows.run.SimulatedUserActivities;
import dev.agentsim.workflows.webhook.WebhookActivities;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The activity beans come up by component scan, under the names the worker registers. */
class ActivitiesWiringTest {

  @Configuration
  @ComponentScan("dev.agentsim.activities")
  @EnableConfigurationProperties(SimulatorSettings.class)
  static class Scan {}

  @Test
  void activityBeansAreNamedAndWired() {
    new ApplicationContextRunner()
        .withUserConfiguration(Scan.class)
        .withBean(DefinitionRepository.class, () -> mock(DefinitionRepository.class))
        .withBean(RunRepository.class, () -> mock(RunRepository.class))
        .withBean(TurnRepository.class, () -> mock(TurnRepository.class))
        .withBean(EvaluationRepository.class, () -> mock(EvaluationRepository.class))
        .withBean(BatchRepository.class, () -> mock(BatchRepository.class))
        .withBean(LlmCallRepository.class, () -> mock(LlmCallRepository.class))
        .withBean(WebhookRepository.class, () -> mock(WebhookRepository.class))
        .withBean(RetentionRepository.class, () -> mock(RetentionRepository.class))
        .withBean(WorkflowClient.class, () -> mock(WorkflowClient.class))
        .withBean(JsonMapper.class, () -> JsonMapper.builder().build())
        .withBean(SecretBox.class, SecretBox::ephemeral)
        .withBean(OutboundPolicy.class, () -> OutboundPolicy.allowing())
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("simulator.llm.timeout=45s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean("agentActivities")).isInstanceOf(AgentActivities.class);
              assertThat(context.getBean("simulatedUserActivities"))
                  .isInstanceOf(SimulatedUserActivities.class);
              assertThat(context.getBean("runActivities")).isInstanceOf(RunActivities.class);
              assertThat(context.getBean("batchActivities")).isInstanceOf(BatchActivities.class);
              assertThat(context.getBean("rejudgeActivities"))
                  .isInstanceOf(RejudgeActivities.class);
              assertThat(context.getBean("webhookActivities"))
                  .isInstanceOf(WebhookActivities.class);
              assertThat(context.getBean("retentionActivities"))
                  .isInstanceOf(RetentionActivities.class);
              assertThat(context.getBean(LlmClient.class))
                  .extracting("timeout")
                  .isEqualTo(Duration.ofSeconds(45));
            });
  }
}
