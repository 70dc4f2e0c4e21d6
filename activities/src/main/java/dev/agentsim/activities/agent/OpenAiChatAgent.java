package dev.agentsim.activities.agent;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Mocking;
import dev.agentsim.workflows.run.RunSettings.ToolOverride;
import dev.agentsim.workflows.run.TurnResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code openai-chat} agent: a system prompt, a stored model and tools. Each turn sends the
 * whole conversation (user messages, the agent's answers, its earlier tool calls and results) to
 * the model; every tool call it makes is answered from the batch's mocking ({@code output} or
 * {@code error} of the tool's override; without one the error "tool not mocked") and stored as a
 * {@code tool} turn, until the model answers with text.
 *
 * <p>An override's {@code delayMs} is not slept here: the turn returns, asking the workflow to wait
 * that long on a durable timer, and the next call continues the turn from the stored tool turns, as
 * a turn of its own at the sequence after them. The model's calls are the agent's own cost: they
 * are not recorded with the run's usage.
 */
@Component
public class OpenAiChatAgent {

  /** Tool calls one agent turn may make before the agent is taken to be looping. */
  static final int MAX_TOOL_CALLS_PER_TURN = 10;

  static final String NOT_MOCKED = "tool not mocked";

  private final DefinitionRepository definitions;
  private final TurnRepository turns;
  private final LlmClient llm;
  private final JsonMapper json;
  private final TurnKeeper keeper;

  public OpenAiChatAgent(
      DefinitionRepository definitions,
      TurnRepository turns,
      LlmClient llm,
      JsonMapper json,
      TurnKeeper keeper) {
    this.definitions = definitions;
    this.turns = turns;
    this.llm = llm;
    this.json = json;
    this.keeper = keeper;
  }

  /**
   * Takes the agent's turn, or continues it after a wait. The messages the turn makes (its tool
   * calls, then its answer, or the calls before a wait) are stored together when it is over, so a
   * failed attempt leaves nothing behind and its retry starts the turn afresh.
   *
   * @param sequence the sequence the turn's first message gets; it follows the messages before it
   */
  public TurnResult turn(
      UUID runId, OpenAiChatAgentConfig config, RunSettings settings, int sequence) {
    ModelSpec model =
        keeper.perRun(
            runId.toString(),
            "agent model",
            ModelSpec.class,
            () ->
                Failures.definition(
                    definitions,
                    Kind.MODEL,
                    config.modelId().toString(),
                    ModelSpec.class,
                    ErrorCategory.AI_AGENT_ERROR));
    Mocking mocking = settings.mocking();
    List<Turn> transcript = new ArrayList<>(turns.turnsBefore(runId, sequence));
    List<Turn> made = new ArrayList<>();
    int next = sequence;
    List<ToolSpecification> tools = config.toolsOrNone().stream().map(this::tool).toList();
    while (true) {
      ChatRequest.Builder request =
          ChatRequest.builder().messages(messages(config.systemPrompt(), transcript));
      if (!tools.isEmpty()) {
        request.toolSpecifications(tools);
      }
      long started = System.nanoTime();
      ChatResponse response =
          keeper.call(
              runId, sequence, Turn.AGENT, settings, () -> ask(config, model, request.build()));
      int latencyMs = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
      AiMessage answer = response.aiMessage();
      if (answer == null || !answer.hasToolExecutionRequests()) {
        String text = answer == null || answer.text() == null ? "" : answer.text();
        made.add(new Turn(next, Turn.AGENT, text, null, latencyMs, Instant.now()));
        return keeper.store(
            runId, sequence, Turn.AGENT, made, new TurnOutcome(next + 1, false, 0), null);
      }
      if (toolCallsSinceLastMessage(transcript) + answer.toolExecutionRequests().size()
          > MAX_TOOL_CALLS_PER_TURN) {
        throw Failures.nonRetryable(
            ErrorCategory.AI_AGENT_ERROR,
            "The agent made more than " + MAX_TOOL_CALLS_PER_TURN + " tool calls without answering",
            new FailureDetail("tool calls of one turn exceed " + MAX_TOOL_CALLS_PER_TURN));
      }
      long waitMillis = 0;
      for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
        ToolOverride override =
            mocking == null || mocking.toolOverrides() == null
                ? null
                : mocking.toolOverrides().get(call.name());
        Turn turn = toolTurn(next++, call, override, latencyMs);
        made.add(turn);
        transcript.add(turn);
        if (override != null) {
          waitMillis = Math.max(waitMillis, override.delayMs());
        }
      }
      if (waitMillis > 0) {
        return keeper.store(
            runId, sequence, Turn.AGENT, made, new TurnOutcome(next, false, waitMillis), null);
      }
    }
  }

  /**
   * The agent's next message in a conversation told from its own side, without its tools: how an
   * {@code openai-chat} agent plays the simulated user.
   */
  public String answer(OpenAiChatAgentConfig config, List<ChatMessage> conversation) {
    ModelSpec model =
        Failures.definition(
            definitions,
            Kind.MODEL,
            config.modelId().toString(),
            ModelSpec.class,
            ErrorCategory.AI_AGENT_ERROR);
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(config.systemPrompt()));
    messages.addAll(conversation);
    AiMessage answer =
        ask(config, model, ChatRequest.builder().messages(messages).build()).aiMessage();
    return answer == null || answer.text() == null ? "" : answer.text();
  }

  private ChatResponse ask(OpenAiChatAgentConfig config, ModelSpec model, ChatRequest request) {
    try {
      return llm.chat(config.modelId(), model, request);
    } catch (ApplicationFailure e) {
      // The model is the agent here: its failures are the agent's, retried as the model's were.
      String message = "The agent's model failed: " + e.getOriginalMessage();
      if (e.isNonRetryable()) {
        throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR, message, e);
      }
      throw Failures.retryable(ErrorCategory.AI_AGENT_ERROR, message, e, e.getNextRetryDelay());
    }
  }

  private Turn toolTurn(
      int sequence, ToolExecutionRequest call, ToolOverride override, int latencyMs) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", call.id());
    data.put("name", call.name());
    data.put("arguments", arguments(call.arguments()));
    String outcome;
    if (override == null) {
      data.put("error", NOT_MOCKED);
      outcome = "error: " + NOT_MOCKED;
    } else if (override.error() != null) {
      data.put("error", override.error());
      outcome = "error: " + override.error();
    } else {
      data.put("result", override.output());
      outcome = json.writeValueAsString(override.output());
    }
    if (override != null && override.delayMs() > 0) {
      data.put("delayMs", override.delayMs());
    }
    return new Turn(
        sequence, Turn.TOOL, call.name() + " → " + outcome, data, latencyMs, Instant.now());
  }

  /** The call's arguments as JSON values; kept as the model's text when they are not JSON. */
  private Object arguments(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return Map.of();
    }
    try {
      return json.readValue(arguments, Object.class);
    } catch (JacksonException e) {
      return arguments;
    }
  }

  private List<ChatMessage> messages(String systemPrompt, List<Turn> turns) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(systemPrompt));
    for (Turn turn : turns) {
      String text = turn.text() == null ? "" : turn.text();
      switch (turn.role()) {
        case Turn.USER -> {
          if (!text.isBlank()) {
            messages.add(UserMessage.from(text));
          }
        }
        case Turn.AGENT -> {
          if (!text.isBlank()) {
            messages.add(AiMessage.from(text));
          }
        }
        case Turn.TOOL -> {
          Map<String, Object> data = turn.data() == null ? Map.of() : turn.data();
          String id = String.valueOf(data.getOrDefault("id", "call_" + turn.sequence()));
          String name = String.valueOf(data.get("name"));
          messages.add(
              AiMessage.from(
                  ToolExecutionRequest.builder()
                      .id(id)
                      .name(name)
                      .arguments(json.writeValueAsString(data.getOrDefault("arguments", Map.of())))
                      .build()));
          Object result =
              data.containsKey("error")
                  ? Map.of("error", String.valueOf(data.get("error")))
                  : data.get("result");
          messages.add(ToolExecutionResultMessage.from(id, name, json.writeValueAsString(result)));
        }
        default -> {
          // Another party's bookkeeping: not part of what the model was told.
        }
      }
    }
    return messages;
  }

  private ToolSpecification tool(OpenAiChatAgentConfig.Tool tool) {
    Map<String, Object> definition = new LinkedHashMap<>();
    definition.put("name", tool.name());
    if (tool.description() != null) {
      definition.put("description", tool.description());
    }
    definition.put(
        "parameters",
        tool.parameters() == null
            ? Map.of("type", "object", "properties", Map.of())
            : tool.parameters());
    try {
      return ToolSpecification.fromJson(json.writeValueAsString(definition));
    } catch (RuntimeException e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR,
          "The agent's tool '"
              + tool.name()
              + "' has parameters that are not a JSON schema of an object",
          new FailureDetail(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  /** Tool turns at the end of the transcript: the calls the current agent turn already made. */
  private static int toolCallsSinceLastMessage(List<Turn> turns) {
    int count = 0;
    for (int i = turns.size() - 1; i >= 0 && Turn.TOOL.equals(turns.get(i).role()); i--) {
      count++;
    }
    return count;
  }
}
