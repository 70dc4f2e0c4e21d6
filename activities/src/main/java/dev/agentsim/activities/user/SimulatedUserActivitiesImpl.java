package dev.agentsim.activities.user;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.LlmReply;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.SimulatedUserActivities;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The simulated user: the batch's counter agent when it has one ({@link CounterAgentUser}), else the
 * scenario's script when it has one, otherwise an LLM playing the persona. The user's message is stored at the request's sequence (an upsert, so a retried
 * attempt stores nothing twice).
 *
 * <p>A script says its lines in order and is done after the last one: the next turn stores
 * nothing and ends the conversation (USER_STOP). The LLM ends the conversation with an
 * {@link EndSignal}, recorded with the run; what it wrote besides the signal is stored as its last
 * message. A signal before the scenario's {@code minTurns} exchanges is not honoured. The first
 * user turn records which instructions the user followed: {@value UserPrompt#VERSION},
 * {@value #SCRIPT_VERSION} or {@value CounterAgentUser#VERSION}.
 */
@Component("simulatedUserActivities")
public class SimulatedUserActivitiesImpl implements SimulatedUserActivities {

  static final String SCRIPT_VERSION = "script";

  private final DefinitionRepository definitions;
  private final RunRepository runs;
  private final LlmClient llm;
  private final CounterAgentUser counterAgent;

  public SimulatedUserActivitiesImpl(DefinitionRepository definitions, RunRepository runs, LlmClient llm,
      CounterAgentUser counterAgent) {
    this.definitions = definitions;
    this.runs = runs;
    this.llm = llm;
    this.counterAgent = counterAgent;
  }

  @Override
  public TurnResult userTurn(TurnRequest request) {
    RunInput run = request.run();
    if (run.settings().counterAgentId() != null) {
      return counterAgent.turn(request);
    }
    UUID runId = Failures.uuid(run.runId(), "run");
    ScenarioSpec scenario = Failures.definition(definitions, Kind.SCENARIO, run.scenarioId(), ScenarioSpec.class, ErrorCategory.UNKNOWN);
    Map<String, String> batchVariables = run.settings().dynamicVariables();
    if (scenario.scripted()) {
      return scripted(UserBrief.of(scenario, null, batchVariables), runId, request);
    }
    return simulated(UserBrief.of(scenario, persona(scenario), batchVariables), run, runId, request);
  }

  /** The scenario's own persona, or the stored one it names; one deleted since is gone for good. */
  private Persona persona(ScenarioSpec scenario) {
    if (scenario.personaId() == null) {
      if (scenario.persona() == null) {
        throw Failures.nonRetryable(ErrorCategory.UNKNOWN, "The scenario has no persona", null);
      }
      return scenario.persona();
    }
    return Failures.definition(definitions, Kind.PERSONA, scenario.personaId().toString(), PersonaSpec.class,
        ErrorCategory.UNKNOWN).embedded();
  }

  private TurnResult scripted(UserBrief brief, UUID runId, TurnRequest request) {
    List<String> script = brief.script();
    if (request.exchange() == 0) {
      runs.recordUserPromptVersion(runId, SCRIPT_VERSION);
    }
    if (request.exchange() >= script.size()) {
      return new TurnResult(request.sequence(), true);
    }
    store(runId, request.sequence(), script.get(request.exchange()), null);
    return new TurnResult(request.sequence() + 1, false);
  }

  private TurnResult simulated(UserBrief brief, RunInput run, UUID runId, TurnRequest request) {
    if (request.exchange() == 0) {
      runs.recordUserPromptVersion(runId, UserPrompt.VERSION);
      if (brief.firstMessage() != null) {
        store(runId, request.sequence(), brief.firstMessage(), null);
        return new TurnResult(request.sequence() + 1, false);
      }
    }
    UUID modelId = Failures.uuid(run.modelId(), "model");
    ModelSpec model = Failures.definition(definitions, Kind.MODEL, run.modelId(), ModelSpec.class, ErrorCategory.LLM_PROVIDER_ERROR);
    LlmReply answer = llm.chat(runId, LlmRole.USER, modelId, model, UserPrompt.messages(brief, runs.turns(runId)));
    UserPrompt.Reply reply = UserPrompt.parse(answer.text());
    EndSignal signal = reply.signal();
    if (signal != null && request.exchange() < brief.minTurns()) {
      if (reply.text().isBlank()) {
        throw Failures.retryable(ErrorCategory.LLM_PROVIDER_ERROR, "The simulated user tried to end the conversation "
            + "before " + brief.minTurns() + " exchange(s)", null);
      }
      // Too early to end: what it said still moves the conversation on.
      signal = null;
    }
    if (reply.text().isBlank()) {
      if (signal != null) {
        runs.recordUserEndSignal(runId, signal.name());
        return new TurnResult(request.sequence(), true);
      }
      // Nothing to say is not a user message; another attempt usually does better.
      throw Failures.retryable(ErrorCategory.LLM_PROVIDER_ERROR, "The simulated user's model returned an empty message",
          null);
    }
    store(runId, request.sequence(), reply.text(), answer.usage());
    if (signal != null) {
      runs.recordUserEndSignal(runId, signal.name());
    }
    return new TurnResult(request.sequence() + 1, signal != null);
  }

  private void store(UUID runId, int sequence, String text, Map<String, Object> data) {
    runs.addTurn(runId, new Turn(sequence, Turn.USER, text, data == null || data.isEmpty() ? null : data, null,
        Instant.now()));
  }
}
