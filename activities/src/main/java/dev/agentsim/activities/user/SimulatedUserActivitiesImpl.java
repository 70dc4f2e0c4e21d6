package dev.agentsim.activities.user;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.LlmReply;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.SimulatedUserActivities;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The simulated user: the batch's counter agent when it has one ({@link CounterAgentUser}), else
 * the scenario's script when it has one, otherwise an LLM playing the persona. The user's message
 * is stored at the request's sequence, exactly once (see {@link TurnKeeper}).
 *
 * <p>A script says its lines in order and is done after the last one: the next turn stores nothing
 * and ends the conversation (USER_STOP). The LLM ends the conversation with an {@link EndSignal},
 * recorded with the run; what it wrote besides the signal is stored as its last message. A signal
 * before the scenario's {@code minTurns} exchanges is not honoured. The user's first turn of its
 * own records which instructions it followed: {@value UserPrompt#VERSION}, {@value #SCRIPT_VERSION}
 * or {@value CounterAgentUser#VERSION}. A forked run's user first says the original's messages
 * again ({@link ForkReplay}), then goes on from there: a script with its next line, an LLM from the
 * whole conversation so far.
 */
@Component("simulatedUserActivities")
public class SimulatedUserActivitiesImpl implements SimulatedUserActivities {

  static final String SCRIPT_VERSION = "script";

  private final DefinitionRepository definitions;
  private final RunRepository runs;
  private final TurnRepository turns;
  private final LlmClient llm;
  private final CounterAgentUser counterAgent;
  private final TurnKeeper keeper;
  private final ForkReplay replay;

  public SimulatedUserActivitiesImpl(
      DefinitionRepository definitions,
      RunRepository runs,
      TurnRepository turns,
      LlmClient llm,
      CounterAgentUser counterAgent,
      TurnKeeper keeper,
      ForkReplay replay) {
    this.definitions = definitions;
    this.runs = runs;
    this.turns = turns;
    this.llm = llm;
    this.counterAgent = counterAgent;
    this.keeper = keeper;
    this.replay = replay;
  }

  @Override
  public TurnResult userTurn(TurnRequest request) {
    return say(request).result();
  }

  /**
   * The user's turn, and what it said when this call is the one that stored it.
   *
   * @param freshText the message this call stored: the latest the agent is to answer, and one no
   *     attempt of the agent's turn can have answered yet; null when an earlier attempt stored the
   *     turn, or the user said nothing
   */
  public record Spoken(TurnResult result, String freshText) {}

  public Spoken say(TurnRequest request) {
    RunInput run = request.run();
    UUID runId = Failures.uuid(run.runId(), "run");
    RunSettings settings = keeper.settings(run);
    if (ForkReplay.replays(settings, request)) {
      return replay.say(settings, request);
    }
    boolean counter = settings.counterAgentId() != null;
    UserBrief brief =
        counter ? null : keeper.perRun(run, "user", UserBrief.class, () -> brief(run, settings));
    if (!counter && brief.scripted()) {
      // A line of the script calls no one: storing it finds what an earlier attempt stored, or
      // that the run is final, without asking first.
      return scripted(brief, runId, request, settings);
    }
    Optional<TurnResult> done = keeper.already(runId, request.sequence(), Turn.USER);
    if (done.isPresent()) {
      return new Spoken(done.get(), null);
    }
    return new Spoken(
        counter
            ? counterAgent.turn(request, settings)
            : simulated(brief, run, settings, runId, request),
        null);
  }

  /**
   * Who the user is, read once per run: the scenario and its persona as they were when the run
   * began.
   */
  private UserBrief brief(RunInput run, RunSettings settings) {
    ScenarioSpec scenario = keeper.scenario(run);
    return UserBrief.of(
        scenario, scenario.scripted() ? null : persona(scenario), settings.dynamicVariables());
  }

  /** The scenario's own persona, or the stored one it names; one deleted since is gone for good. */
  private Persona persona(ScenarioSpec scenario) {
    if (scenario.personaId() == null) {
      if (scenario.persona() == null) {
        throw Failures.nonRetryable(ErrorCategory.UNKNOWN, "The scenario has no persona", null);
      }
      return scenario.persona();
    }
    return Failures.definition(
            definitions,
            Kind.PERSONA,
            scenario.personaId().toString(),
            PersonaSpec.class,
            ErrorCategory.UNKNOWN)
        .embedded();
  }

  private Spoken scripted(UserBrief brief, UUID runId, TurnRequest request, RunSettings settings) {
    List<String> script = brief.script();
    if (request.exchange() == ForkReplay.replayed(settings)) {
      runs.recordUserPromptVersion(runId, SCRIPT_VERSION);
    }
    if (request.exchange() >= script.size()) {
      return new Spoken(
          keeper.store(
              runId,
              request.sequence(),
              Turn.USER,
              List.of(),
              new TurnOutcome(request.sequence(), true, 0),
              null),
          null);
    }
    String line = script.get(request.exchange());
    TurnKeeper.Stored stored =
        keeper.stored(
            runId,
            request.sequence(),
            Turn.USER,
            List.of(userTurn(request.sequence(), line, null)),
            new TurnOutcome(request.sequence() + 1, false, 0),
            null);
    return new Spoken(stored.result(), stored.byThisCall() ? line : null);
  }

  private TurnResult simulated(
      UserBrief brief, RunInput run, RunSettings settings, UUID runId, TurnRequest request) {
    int sequence = request.sequence();
    if (request.exchange() == ForkReplay.replayed(settings)) {
      runs.recordUserPromptVersion(runId, UserPrompt.VERSION);
    }
    if (request.exchange() == 0 && brief.firstMessage() != null) {
      return store(runId, sequence, brief.firstMessage(), null, null);
    }
    UUID modelId = Failures.uuid(run.modelId(), "model");
    ModelSpec model =
        keeper.perRun(
            run,
            "model",
            ModelSpec.class,
            () ->
                Failures.definition(
                    definitions,
                    Kind.MODEL,
                    run.modelId(),
                    ModelSpec.class,
                    ErrorCategory.LLM_PROVIDER_ERROR));
    List<Turn> before = turns.turnsBefore(runId, sequence);
    Said said =
        keeper.call(
            runId,
            sequence,
            Turn.USER,
            settings,
            () -> {
              LlmReply answer =
                  llm.chat(runId, LlmRole.USER, modelId, model, UserPrompt.messages(brief, before));
              UserPrompt.Reply reply = UserPrompt.parse(answer.text());
              EndSignal signal = reply.signal();
              if (signal != null && request.exchange() < brief.minTurns()) {
                if (reply.text().isBlank()) {
                  throw Failures.retryable(
                      ErrorCategory.LLM_PROVIDER_ERROR,
                      "The simulated user tried to end the "
                          + "conversation before "
                          + brief.minTurns()
                          + " exchange(s)",
                      null);
                }
                // Too early to end: what it said still moves the conversation on.
                signal = null;
              }
              if (reply.text().isBlank() && signal == null) {
                // Nothing to say is not a user message; another attempt usually does better.
                throw Failures.retryable(
                    ErrorCategory.LLM_PROVIDER_ERROR,
                    "The simulated user's model returned an empty " + "message",
                    null);
              }
              return new Said(reply.text(), signal, answer.usage());
            });
    if (said.text().isBlank()) {
      return keeper.store(
          runId,
          sequence,
          Turn.USER,
          List.of(),
          new TurnOutcome(sequence, true, 0),
          said.signal().name());
    }
    return store(runId, sequence, said.text(), said.usage(), said.signal());
  }

  /** What the model said as the user, the signal it ended with taken out. */
  private record Said(String text, EndSignal signal, Map<String, Object> usage) {}

  private TurnResult store(
      UUID runId, int sequence, String text, Map<String, Object> data, EndSignal signal) {
    return keeper.store(
        runId,
        sequence,
        Turn.USER,
        List.of(userTurn(sequence, text, data)),
        new TurnOutcome(sequence + 1, signal != null, 0),
        signal == null ? null : signal.name());
  }

  private static Turn userTurn(int sequence, String text, Map<String, Object> data) {
    return new Turn(
        sequence,
        Turn.USER,
        text,
        data == null || data.isEmpty() ? null : data,
        null,
        Instant.now());
  }
}
