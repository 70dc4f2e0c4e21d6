package dev.agentsim.activities.user;

import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.run.Turn;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The conversation as the LLM playing the simulated user sees it. Roles are swapped: the LLM
 * plays the user, so the agent's messages are its "user" messages and the simulated user's own
 * messages are its "assistant" messages.
 */
final class UserPrompt {

  /** The model writes this when the mission is accomplished or clearly cannot be. */
  static final String STOP_MARKER = "[MISSION_COMPLETE]";
  static final String OPENING = "(The conversation starts. Write your first message.)";
  static final String SILENT_AGENT = "(The agent did not answer.)";

  /** Tolerates the spellings models come up with: case, a space instead of the underscore. */
  private static final Pattern MARKER = Pattern.compile("\\[\\s*MISSION[ _]COMPLETE\\s*]", Pattern.CASE_INSENSITIVE);

  private UserPrompt() {}

  static String systemPrompt(ScenarioSpec scenario) {
    ScenarioSpec.Persona persona = scenario.persona();
    StringBuilder prompt = new StringBuilder();
    prompt.append("""
        You are role-playing a human user who is chatting with a conversational AI agent (a chatbot or \
        voice assistant). You are the USER, not the assistant: never help, advise or serve the agent.

        """);
    prompt.append("Your persona:\n- Name: ").append(persona == null ? "User" : persona.name()).append('\n');
    if (persona != null && persona.description() != null && !persona.description().isBlank()) {
      prompt.append("- Who you are: ").append(persona.description().strip()).append('\n');
    }
    prompt.append("\nYour mission in this conversation:\n").append(scenario.mission().strip()).append("\n\n");
    prompt.append("""
        Rules:
        - Write only your own next message to the agent, exactly as the user would type or say it: \
        no role labels, no quotation marks, no stage directions, no explanations.
        - Stay in character. Keep messages short and natural, like a real person in a chat.
        - Pursue your mission step by step. Answer the agent's questions with details that fit your \
        persona; invent plausible ones when needed.
        - When your mission is accomplished, or it has become clearly impossible (the agent cannot \
        help or keeps failing), end the conversation: write your last message, if any, followed by \
        %s. Write %s on its own if there is nothing left to say.
        """.formatted(STOP_MARKER, STOP_MARKER));
    return prompt.toString();
  }

  /** The system prompt, then the transcript with roles swapped; consecutive messages of one side merged. */
  static List<ChatMessage> messages(ScenarioSpec scenario, List<Turn> turns) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(systemPrompt(scenario)));
    String side = null;
    StringBuilder text = new StringBuilder();
    for (Turn turn : turns) {
      String role = Turn.USER.equals(turn.role()) ? Turn.USER : Turn.AGENT;
      String said = turn.text() == null || turn.text().isBlank()
          ? (Turn.AGENT.equals(role) ? SILENT_AGENT : "")
          : turn.text();
      if (said.isEmpty()) {
        continue;
      }
      if (!role.equals(side) && side != null) {
        messages.add(message(side, text.toString()));
        text.setLength(0);
      }
      side = role;
      if (!text.isEmpty()) {
        text.append("\n\n");
      }
      text.append(said);
    }
    if (side != null) {
      messages.add(message(side, text.toString()));
    }
    if (side == null) {
      messages.add(UserMessage.from(OPENING));
    } else if (Turn.USER.equals(side)) {
      // The agent has not answered our last message (it should have): the model must still write.
      messages.add(UserMessage.from(SILENT_AGENT));
    }
    return messages;
  }

  private static ChatMessage message(String side, String text) {
    return Turn.AGENT.equals(side) ? UserMessage.from(text) : AiMessage.from(text);
  }

  /** The model's answer with the stop marker taken out. */
  record Reply(String text, boolean missionOver) {}

  static Reply parse(String answer) {
    String text = answer == null ? "" : answer;
    boolean over = MARKER.matcher(text).find();
    if (over) {
      text = MARKER.matcher(text).replaceAll(" ");
    }
    return new Reply(text.strip().replaceAll("[ \\t]{2,}", " "), over);
  }
}
