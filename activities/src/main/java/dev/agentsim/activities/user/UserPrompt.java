package dev.agentsim.activities.user;

import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.run.Turn;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conversation as the LLM playing the simulated user sees it. Roles are swapped: the LLM plays
 * the user, so the agent's messages are its "user" messages and the simulated user's own messages
 * are its "assistant" messages.
 *
 * <p>The instructions follow τ²-bench's user simulator guidelines: reveal facts only when asked,
 * invent none, stay in character, one short message at a time, and end with an explicit signal
 * ({@link EndSignal}) only once the mission is really over.
 */
final class UserPrompt {

  /**
   * Recorded with every run; raise it whenever the instructions change in a way that changes
   * behaviour.
   */
  static final String VERSION = "user-v2";

  static final String OPENING = "(The conversation starts. Write your first message.)";
  static final String SILENT_AGENT = "(The agent did not answer.)";

  /**
   * An end signal as models write it: any case, spaces, underscores or no hyphens in OUT-OF-SCOPE,
   * two or more hashes, and sometimes quoted or in backticks.
   */
  private static final Pattern SIGNAL =
      Pattern.compile(
          "[`'\"]?#{2,}\\s*(STOP|TRANSFER|OUT[\\s_-]*OF[\\s_-]*SCOPE)\\s*#{2,}[`'\"]?",
          Pattern.CASE_INSENSITIVE);

  private UserPrompt() {}

  static String systemPrompt(UserBrief brief) {
    Persona persona = brief.persona();
    StringBuilder prompt =
        new StringBuilder(
            """
        You are role-playing a human user who is chatting with a conversational AI agent (a chatbot or \
        voice assistant). You are the USER, not the assistant: never help, advise or serve the agent.

        # Who you are
        """);
    prompt.append("- Name: ").append(persona.name().strip()).append('\n');
    if (present(persona.description())) {
      prompt.append("- About you: ").append(persona.description().strip()).append('\n');
    }
    if (persona.traits() != null && !persona.traits().isEmpty()) {
      prompt.append("- Traits:\n");
      list(prompt, persona.traits(), "  ");
    }
    if (present(persona.style())) {
      prompt.append("- How you write: ").append(persona.style().strip()).append('\n');
    }
    if (present(persona.language())) {
      prompt
          .append("- Language: write every message in ")
          .append(persona.language().strip())
          .append(", whatever language the agent uses.\n");
    }

    prompt
        .append("\n# Your mission\n")
        .append(brief.mission().strip())
        .append("\n\n# What you know\n");
    if (persona.knownInfo() == null || persona.knownInfo().isEmpty()) {
      prompt.append(
          "You were given no particular facts (no names, numbers, dates or account details).\n");
    } else {
      prompt.append(
          "These facts are true for you. Share one only when the agent asks for it or your mission "
              + "needs it at that point:\n");
      list(prompt, persona.knownInfo(), "");
    }

    prompt.append(
        """

        # How to behave
        - Write one message at a time: only your own next message to the agent, exactly as the user would \
        type or say it, with no role labels, quotation marks, stage directions or explanations.
        - Keep it short and natural, like a real person in a chat. Say what you want in your own words; \
        do not recite your mission.
        - Reveal information step by step: give a detail only when the agent asks for it or the next step \
        needs it, never everything at once.
        - Never make up facts you were not given above: no names, numbers, dates, addresses or account \
        details. If the agent asks for something you do not know, say that you do not know or do not have it.
        - Stay in character for the whole conversation: your persona's traits, tone, style and language.
        - Do not end the conversation early. The agent agreeing or offering to do something is not the same \
        as having done it: wait until it confirms it is done, and check that every part of your mission \
        has been handled.
        """);
    if (brief.minTurns() > 1) {
      prompt
          .append("- Send at least ")
          .append(brief.minTurns())
          .append(" messages before you end the conversation.\n");
    }
    prompt.append(
        """

        # Ending the conversation
        When the conversation is over, put exactly one of these signals at the end of your last message, \
        or write it on its own if you have nothing more to say:
        - %s when your mission is accomplished.
        - %s when it cannot be accomplished: the agent cannot or will not help, keeps failing, or going \
        on would need information you were not given.
        - %s when you are being transferred to a human or another agent.
        Never write these signals at any other time.
        """
            .formatted(EndSignal.DONE.token, EndSignal.IMPOSSIBLE.token, EndSignal.TRANSFER.token));
    return prompt.toString();
  }

  private static boolean present(String text) {
    return text != null && !text.isBlank();
  }

  private static void list(StringBuilder prompt, Map<String, String> entries, String indent) {
    entries.forEach(
        (key, value) ->
            prompt
                .append(indent)
                .append("- ")
                .append(key.strip())
                .append(": ")
                .append(value == null ? "" : value.strip())
                .append('\n'));
  }

  /**
   * The system prompt, then the transcript with roles swapped; consecutive messages of one side
   * merged.
   */
  static List<ChatMessage> messages(UserBrief brief, List<Turn> turns) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(systemPrompt(brief)));
    String side = null;
    StringBuilder text = new StringBuilder();
    for (Turn turn : turns) {
      if (Turn.TOOL.equals(turn.role())) {
        continue; // the agent's tool calls happen behind its back: a real user never sees them
      }
      String role = Turn.USER.equals(turn.role()) ? Turn.USER : Turn.AGENT;
      String said =
          turn.text() == null || turn.text().isBlank()
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

  /**
   * The model's answer with any end signal taken out.
   *
   * @param signal the first signal written; null when the user goes on
   */
  record Reply(String text, EndSignal signal) {}

  static Reply parse(String answer) {
    String text = answer == null ? "" : answer;
    Matcher matcher = SIGNAL.matcher(text);
    EndSignal signal = null;
    if (matcher.find()) {
      String word = matcher.group(1).toUpperCase(Locale.ROOT);
      signal =
          word.equals("STOP")
              ? EndSignal.DONE
              : word.equals("TRANSFER") ? EndSignal.TRANSFER : EndSignal.IMPOSSIBLE;
      text = matcher.replaceAll(" ");
    }
    return new Reply(text.strip().replaceAll("[ \\t]{2,}", " "), signal);
  }
}
