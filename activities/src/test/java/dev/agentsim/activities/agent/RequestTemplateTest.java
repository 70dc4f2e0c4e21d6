package dev.agentsim.activities.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RequestTemplateTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aTemplateRepeatingALongValueIsRefusedBeforeItFillsTheHeap() {
    String text = "x".repeat(90_000);
    String template = "{\"parts\": [" + "{{text}},".repeat(100) + "null]}";

    assertThatThrownBy(() -> RequestTemplate.render(template, message(text), JSON))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
              assertThat(failure.getOriginalMessage())
                  .contains("longer than " + RequestTemplate.MAX_RENDERED);
            });
  }

  @Test
  void aTemplateWithinTheLimitRendersItsValues() {
    String body =
        RequestTemplate.render(
            "{\"message\": {{text}}, \"turn\": {{turn}}}", message("hello"), JSON);

    assertThat(body).isEqualTo("{\"message\": \"hello\", \"turn\": 2}");
  }

  private static AgentMessage message(String text) {
    return new AgentMessage("session-1", "user-1", text, Map.of(), 2, "main", "en-US", "run:1");
  }
}
