package dev.agentsim.activities.user;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.LlmReply;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
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
 * The simulated user: the scenario's script when it has one, otherwise an LLM playing the
 * persona. The user's message is stored at the request's sequence (an upsert, so a retried
 * attempt stores nothing twice).
 *
 * <p>A script says its lines in order and is done after the last one: the next turn stores
 * nothing and ends the conversation (USER_STOP). The LLM ends the conversation by writing
 * {@value UserPrompt#STOP_MARKER}; what it wrote besides the marker is stored as its last message.
 */
@Component("simulatedUserActivities")
public class SimulatedUserActivitiesImpl implements SimulatedUserActivities {

  private final DefinitionRepository definitions;
  private final RunRepository runs;
  private final LlmClient llm;

  public SimulatedUserActivitiesImpl(DefinitionRepository definitions, RunRepository runs, LlmClient llm) {
    this.definitions = definitions;
    this.runs = runs;
    this.llm = llm;
  }

  @Override
  public TurnResult userTurn(TurnRequest request) {
    RunInput run = request.run();
    UUID runId = Failures.uuid(run.runId(), "run");
    ScenarioSpec scenario = Failures.definition(definitions, Kind.SCENARIO, run.scenarioId(), ScenarioSpec.class, ErrorCategory.UNKNOWN);
    return scenario.scripted() ? scripted(scenario, runId, request) : simulated(scenario, run, runId, request);
  }

  private TurnResult scripted(ScenarioSpec scenario, UUID runId, TurnRequest request) {
    List<String> script = scenario.script();
    if (request.exchange() >= script.size()) {
      return new TurnResult(request.sequence(), true);
    }
    store(runId, request.sequence(), script.get(request.exchange()), null);
    return new TurnResult(request.sequence() + 1, false);
  }

  private TurnResult simulated(ScenarioSpec scenario, RunInput run, UUID runId, TurnRequest request) {
    UUID modelId = Failures.uuid(run.modelId(), "model");
    ModelSpec model = Failures.definition(definitions, Kind.MODEL, run.modelId(), ModelSpec.class, ErrorCategory.LLM_PROVIDER_ERROR);
    LlmReply answer = llm.chat(runId, LlmRole.USER, modelId, model, UserPrompt.messages(scenario, runs.turns(runId)));
    UserPrompt.Reply reply = UserPrompt.parse(answer.text());
    if (reply.text().isBlank()) {
      if (reply.missionOver()) {
        return new TurnResult(request.sequence(), true);
      }
      // Nothing to say is not a user message; another attempt usually does better.
      throw Failures.retryable(ErrorCategory.LLM_PROVIDER_ERROR, "The simulated user's model returned an empty message",
          null);
    }
    store(runId, request.sequence(), reply.text(), answer.usage());
    return new TurnResult(request.sequence() + 1, reply.missionOver());
  }

  private void store(UUID runId, int sequence, String text, Map<String, Object> data) {
    runs.addTurn(runId, new Turn(sequence, Turn.USER, text, data == null || data.isEmpty() ? null : data, null,
        Instant.now()));
  }
}
