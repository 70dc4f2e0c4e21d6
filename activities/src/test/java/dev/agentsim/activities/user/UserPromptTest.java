package dev.agentsim.activities.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.run.Turn;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserPromptTest {

  @Test
  void theSimulatedUserNeverSeesTheAgentsToolCalls() {
    UserBrief brief = new UserBrief(new Persona("Sam", "hungry"), "Order a pizza", null, null, 1);
    List<ChatMessage> messages =
        UserPrompt.messages(
            brief,
            List.of(
                new Turn(0, Turn.USER, "A pizza, please", null, null, Instant.now()),
                new Turn(
                    1,
                    Turn.TOOL,
                    "place_order → {\"id\": 7}",
                    Map.of("name", "place_order"),
                    null,
                    Instant.now()),
                new Turn(2, Turn.AGENT, "Ordered, number 7.", null, 12, Instant.now())));

    assertThat(messages.subList(1, messages.size()))
        .containsExactly(AiMessage.from("A pizza, please"), UserMessage.from("Ordered, number 7."));
  }
}
