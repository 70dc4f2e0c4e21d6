package dev.agentsim.activities.user;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.agent.AgentConnectors;
import dev.agentsim.activities.agent.AgentMessage;
import dev.agentsim.activities.agent.AgentReply;
import dev.agentsim.activities.agent.OpenAiChatAgent;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Another agent plays the simulated user (Interactly's counter workflow): it is sent what the agent
 * under test said since the user last spoke, and its reply is the user's next message.
 *
 * <p>The counter agent has a conversation of its own: session {@code <runId>-counter}, and an
 * idempotency key {@code <runId>:<sequence>:counter} that differs from the agent under test's for
 * the same sequence. It receives the batch's dynamic variables as its data. Several messages in its
 * reply become one user turn (joined by newlines), which keeps the counter agent's data and
 * latency. Its end flag ends the conversation; a reply with neither text nor end flag is stored as
 * an empty message, as the agent under test's would be. Its failures keep the connector's category
 * ({@code AI_AGENT_ERROR}, {@code AI_AGENT_TIMEOUT}) and retry policy, their message saying it was
 * the counter agent.
 */
@Component
public class CounterAgentUser {

  static final String VERSION = "agent";
  static final String OPENING = "(The conversation starts. Write your first message.)";

  private final DefinitionRepository definitions;
  private final RunRepository runs;
  private final TurnRepository turns;
  private final AgentConnectors connectors;
  private final OpenAiChatAgent openAiChat;
  private final TurnKeeper keeper;

  public CounterAgentUser(
      DefinitionRepository definitions,
      RunRepository runs,
      TurnRepository turns,
      AgentConnectors connectors,
      OpenAiChatAgent openAiChat,
      TurnKeeper keeper) {
    this.definitions = definitions;
    this.runs = runs;
    this.turns = turns;
    this.connectors = connectors;
    this.openAiChat = openAiChat;
    this.keeper = keeper;
  }

  TurnResult turn(TurnRequest request, RunSettings settings) {
    RunInput run = request.run();
    UUID runId = Failures.uuid(run.runId(), "run");
    int sequence = request.sequence();
    AgentSpec counter =
        keeper.perRun(
            run,
            "counter agent",
            AgentSpec.class,
            () ->
                Failures.definition(
                    definitions,
                    Kind.AGENT,
                    settings.counterAgentId(),
                    AgentSpec.class,
                    ErrorCategory.AI_AGENT_ERROR));
    if (request.exchange() == ForkReplay.replayed(settings)) {
      runs.recordUserPromptVersion(runId, VERSION);
    }
    List<Turn> transcript = turns.turnsBefore(runId, sequence);
    AgentReply reply =
        keeper.call(
            runId,
            sequence,
            Turn.USER,
            settings,
            () -> {
              long started = System.nanoTime();
              try {
                return counter.config() instanceof OpenAiChatAgentConfig chat
                    ? new AgentReply(
                        List.of(openAiChat.answer(chat, fromCounterSide(transcript))),
                        null,
                        false,
                        (System.nanoTime() - started) / 1_000_000)
                    : connectors.send(
                        counter, message(run, settings, request, agentSaidSinceUser(transcript)));
              } catch (ApplicationFailure e) {
                throw asCounterAgent(e);
              }
            });
    if (reply.texts().isEmpty() && reply.ended()) {
      return keeper.store(
          runId, sequence, Turn.USER, List.of(), new TurnOutcome(sequence, true, 0), null);
    }
    Turn said =
        new Turn(
            sequence,
            Turn.USER,
            String.join("\n", reply.texts()),
            reply.data() == null || reply.data().isEmpty() ? null : reply.data(),
            (int) Math.min(Integer.MAX_VALUE, reply.latencyMs()),
            Instant.now());
    return keeper.store(
        runId,
        sequence,
        Turn.USER,
        List.of(said),
        new TurnOutcome(sequence + 1, reply.ended(), 0),
        null);
  }

  /**
   * The conversation as an {@code openai-chat} counter agent sees it: the agent under test's
   * messages come to it, its own go out; the agent under test's tool calls stay hidden.
   */
  static List<ChatMessage> fromCounterSide(List<Turn> turns) {
    List<ChatMessage> conversation = new ArrayList<>();
    for (Turn turn : turns) {
      if (turn.text() == null || turn.text().isBlank() || Turn.TOOL.equals(turn.role())) {
        continue;
      }
      conversation.add(
          Turn.USER.equals(turn.role())
              ? AiMessage.from(turn.text())
              : UserMessage.from(turn.text()));
    }
    if (conversation.isEmpty()) {
      conversation.add(UserMessage.from(OPENING));
    }
    return conversation;
  }

  /**
   * The agent under test's messages after the user's last one, joined; null when it has said
   * nothing.
   */
  static String agentSaidSinceUser(List<Turn> turns) {
    List<String> texts = new ArrayList<>();
    for (int i = turns.size() - 1; i >= 0 && !Turn.USER.equals(turns.get(i).role()); i--) {
      if (Turn.AGENT.equals(turns.get(i).role()) && !turns.get(i).text().isBlank()) {
        texts.add(0, turns.get(i).text());
      }
    }
    return texts.isEmpty() ? null : String.join("\n", texts);
  }

  private static AgentMessage message(
      RunInput run, RunSettings settings, TurnRequest request, String text) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (settings.dynamicVariables() != null) {
      data.putAll(settings.dynamicVariables());
    }
    String session = run.runId() + "-counter";
    return new AgentMessage(
        session,
        "agentsim-" + session,
        text,
        data,
        request.exchange(),
        null,
        null,
        run.runId() + ":" + request.sequence() + ":counter");
  }

  /**
   * The same failure, read as the simulated user's: the run's error then says which agent failed.
   */
  private static ApplicationFailure asCounterAgent(ApplicationFailure e) {
    String message = "The counter agent playing the user failed: " + e.getOriginalMessage();
    return e.isNonRetryable()
        ? ApplicationFailure.newNonRetryableFailureWithCause(message, e.getType(), e.getCause())
        : ApplicationFailure.newFailureWithCauseAndDelay(
            message, e.getType(), e.getCause(), e.getNextRetryDelay());
  }
}
