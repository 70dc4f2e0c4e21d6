package dev.agentsim.activities.user;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.turn.TurnKeeper;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Fork;
import dev.agentsim.workflows.run.TurnRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The user's side of a forked run's first exchanges: the original run's user messages before the
 * fork point, said again in order, whoever plays the user afterwards. The agent answers each in the
 * fork's own session, as it would any user message, so an agent that keeps state per session
 * rebuilds it; its new answers are the fork's transcript. A replayed message is stored with {@code
 * data.replayed: true}.
 */
@Component
public class ForkReplay {

  private final TurnRepository turns;
  private final TurnKeeper keeper;

  public ForkReplay(TurnRepository turns, TurnKeeper keeper) {
    this.turns = turns;
    this.keeper = keeper;
  }

  /** The original's user messages, read once per run. */
  private record Lines(List<String> texts) {}

  /**
   * Whether the user's turn of this request replays the original's message rather than asking
   * anyone.
   */
  static boolean replays(RunSettings settings, TurnRequest request) {
    return request.exchange() < replayed(settings);
  }

  /** The exchange at which the user first speaks for itself: 0 unless the run is a fork. */
  static int replayed(RunSettings settings) {
    return settings.fork() == null ? 0 : settings.fork().userMessages();
  }

  SimulatedUserActivitiesImpl.Spoken say(RunSettings settings, TurnRequest request) {
    RunInput run = request.run();
    Fork fork = settings.fork();
    List<String> lines = keeper.perRun(run, "replay", Lines.class, () -> lines(fork)).texts();
    String line = lines.get(request.exchange());
    UUID runId = Failures.uuid(run.runId(), "run");
    int sequence = request.sequence();
    TurnKeeper.Stored stored =
        keeper.stored(
            runId,
            sequence,
            Turn.USER,
            List.of(
                new Turn(sequence, Turn.USER, line, Map.of("replayed", true), null, Instant.now())),
            new TurnOutcome(sequence + 1, false, 0),
            null);
    return new SimulatedUserActivitiesImpl.Spoken(
        stored.result(), stored.byThisCall() ? line : null);
  }

  private Lines lines(Fork fork) {
    List<String> texts =
        turns.turnsBefore(Failures.uuid(fork.runId(), "forked run"), fork.sequence()).stream()
            .filter(turn -> Turn.USER.equals(turn.role()))
            .map(Turn::text)
            .toList();
    if (texts.size() != fork.userMessages()) {
      // Its batch was deleted since the fork was asked for: there is nothing left to replay.
      throw Failures.nonRetryable(
          ErrorCategory.UNKNOWN,
          "The transcript of the forked run " + fork.runId() + " is no longer stored",
          null);
    }
    return new Lines(texts);
  }
}
