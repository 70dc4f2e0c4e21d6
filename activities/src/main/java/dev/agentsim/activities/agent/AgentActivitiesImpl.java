package dev.agentsim.activities.agent;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.metrics.SimulationMetrics;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.activities.user.SimulatedUserActivitiesImpl;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.AgentActivities;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Session;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The agent under test: sends the simulated user's latest message and stores what the agent said.
 *
 * <p>Each message of the reply becomes one agent turn, numbered from the request's sequence. The
 * first of them carries the measured latency and the reply's data. A reply without any message (no
 * text, an empty text list) is stored as one agent turn with empty text, so the transcript shows
 * that the agent answered, when, and with which data. The turn happens once, see {@link
 * TurnKeeper}. An {@code openai-chat} agent takes its turn itself, see {@link OpenAiChatAgent}.
 */
@Component("agentActivities")
public class AgentActivitiesImpl implements AgentActivities {

  private final DefinitionRepository definitions;
  private final AgentConnectors connectors;
  private final OpenAiChatAgent chatAgent;
  private final TurnKeeper keeper;
  private final SimulatedUserActivitiesImpl users;
  private final SimulationMetrics metrics;

  public AgentActivitiesImpl(
      DefinitionRepository definitions,
      AgentConnectors connectors,
      OpenAiChatAgent chatAgent,
      TurnKeeper keeper,
      SimulatedUserActivitiesImpl users,
      SimulationMetrics metrics) {
    this.definitions = definitions;
    this.connectors = connectors;
    this.chatAgent = chatAgent;
    this.keeper = keeper;
    this.users = users;
    this.metrics = metrics;
  }

  @Override
  public Exchange scriptedExchange(TurnRequest request) {
    SimulatedUserActivitiesImpl.Spoken said = users.say(request);
    TurnResult line = said.result();
    if (line.ended() || line.nextSequence() >= keeper.settings(request.run()).maxEvents()) {
      return new Exchange(line, null);
    }
    TurnRequest answer =
        new TurnRequest(request.run(), line.nextSequence(), request.exchange() + 1);
    // A line this call stored is what the agent answers, and nothing has answered it yet.
    TurnKeeper.Start start =
        said.freshText() != null
            ? new TurnKeeper.Start(Optional.empty(), said.freshText())
            : keeper.start(
                Failures.uuid(request.run().runId(), "run"), answer.sequence(), Turn.AGENT);
    return new Exchange(line, agentTurn(answer, start));
  }

  @Override
  public TurnResult agentTurn(TurnRequest request) {
    return agentTurn(
        request,
        keeper.start(Failures.uuid(request.run().runId(), "run"), request.sequence(), Turn.AGENT));
  }

  private TurnResult agentTurn(TurnRequest request, TurnKeeper.Start start) {
    RunInput run = request.run();
    UUID runId = Failures.uuid(run.runId(), "run");
    int sequence = request.sequence();
    if (start.done().isPresent()) {
      return start.done().get();
    }
    RunSettings settings = keeper.settings(run);
    AgentSpec agent = keeper.perRun(run, "agent", AgentSpec.class, () -> agent(run, settings));
    if (agent.config() instanceof OpenAiChatAgentConfig chat) {
      return chatAgent.turn(runId, chat, settings, sequence);
    }
    String text = start.lastUserText();
    AgentReply reply =
        keeper.call(
            runId,
            sequence,
            Turn.AGENT,
            settings,
            () -> connectors.send(agent, message(run, settings, request, text)));
    metrics.agentReplied(Failures.uuid(run.agentId(), "agent"), reply.latencyMs());

    List<String> texts = reply.texts().isEmpty() ? List.of("") : reply.texts();
    Instant now = Instant.now();
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      boolean first = i == 0;
      turns.add(
          new Turn(
              sequence + i,
              Turn.AGENT,
              texts.get(i),
              first ? reply.data() : null,
              first ? (int) Math.min(Integer.MAX_VALUE, reply.latencyMs()) : null,
              now));
    }
    return keeper.store(
        runId,
        sequence,
        Turn.AGENT,
        turns,
        new TurnOutcome(sequence + texts.size(), reply.ended(), 0),
        null);
  }

  /**
   * The agent as the revision its batch pinned; runs scheduled before revisions existed test the
   * current agent.
   */
  private AgentSpec agent(RunInput run, RunSettings settings) {
    String revisionId = settings.agentRevisionId();
    if (revisionId == null) {
      return Failures.definition(
          definitions, Kind.AGENT, run.agentId(), AgentSpec.class, ErrorCategory.AI_AGENT_ERROR);
    }
    try {
      return definitions.getAgentRevision(
          Failures.uuid(run.agentId(), "agent"),
          Failures.uuid(revisionId, "agent revision"),
          AgentSpec.class);
    } catch (IllegalStateException e) {
      throw Failures.nonRetryable(
          ErrorCategory.AI_AGENT_ERROR, "The agent revision no longer exists", e);
    }
  }

  private static AgentMessage message(
      RunInput run, RunSettings settings, TurnRequest request, String text) {
    Session session = settings.session();
    String userId =
        session == null || session.userId() == null || session.userId().isBlank()
            ? "agentsim-" + run.runId()
            : session.userId();
    Map<String, Object> data =
        session == null || session.data() == null ? Map.of() : session.data();
    return new AgentMessage(
        run.runId(),
        userId,
        text,
        data,
        request.exchange(),
        session == null ? null : session.entrypoint(),
        session == null ? null : session.locale(),
        run.runId() + ":" + request.sequence(),
        settings.mocking());
  }
}
