package dev.agentsim.activities.turn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.store.run.TurnOutcome;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * What makes a party's turn happen exactly once, whatever Temporal retries:
 *
 * <ul>
 *   <li>a turn already stored (by an earlier attempt) or of a run already final is answered from
 *       the store, without calling the party ({@link #already});
 *   <li>a long call to the party heartbeats, so a lost worker's attempt is retried within the
 *       heartbeat timeout; an attempt that learns Temporal has given up on it fails ({@link
 *       #call});
 *   <li>only the party's own failures count toward the run's retry limit: they are counted in the
 *       store, and the attempt that reaches the limit fails for good. Everything else (the
 *       database, Temporal, our own throttle) is retried by Temporal until it recovers;
 *   <li>the turn's messages and how it ended are stored in one transaction, first attempt wins
 *       ({@link #store}).
 * </ul>
 *
 * Activities take ids; the run's settings and definitions are read once per run and cached.
 */
@Component
public class TurnKeeper {

  /** The failure types that are a remote party's fault, and so count toward its retry limit. */
  private static final Set<String> REMOTE_FAULTS =
      Set.of(
          ErrorCategory.AI_AGENT_ERROR.name(),
          ErrorCategory.AI_AGENT_TIMEOUT.name(),
          ErrorCategory.LLM_PROVIDER_ERROR.name());

  private static final ScheduledExecutorService HEARTBEATS =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "turn-heartbeats");
            thread.setDaemon(true);
            return thread;
          });

  private static final String SETTINGS = "settings";
  private static final String SCENARIO = "scenario";

  private final RunRepository runs;
  private final TurnRepository turns;
  private final DefinitionRepository definitions;
  private final Cache<Key, Object> perRun =
      Caffeine.newBuilder().maximumSize(50_000).expireAfterAccess(Duration.ofMinutes(30)).build();

  private record Key(String runId, String what) {}

  public TurnKeeper(RunRepository runs, TurnRepository turns, DefinitionRepository definitions) {
    this.runs = runs;
    this.turns = turns;
    this.definitions = definitions;
  }

  /**
   * The run's settings: those given (activities scheduled before runs stored them), else the stored
   * ones.
   */
  public RunSettings settings(RunInput run) {
    if (run.settings() != null) {
      return run.settings();
    }
    return perRun(
        run,
        SETTINGS,
        RunSettings.class,
        () ->
            runs.settings(Failures.uuid(run.runId(), "run"))
                .orElseThrow(
                    () ->
                        Failures.nonRetryable(
                            ErrorCategory.UNKNOWN, "The run's settings are not stored", null)));
  }

  /**
   * The run's scenario as it was when the run started: read once, for the run's record, its
   * simulated user and its judging.
   */
  public ScenarioSpec scenario(RunInput run) {
    return perRun(
        run,
        SCENARIO,
        ScenarioSpec.class,
        () ->
            Failures.definition(
                definitions,
                Kind.SCENARIO,
                run.scenarioId(),
                ScenarioSpec.class,
                ErrorCategory.UNKNOWN));
  }

  /**
   * Keeps the settings a run starts with for its turns on this worker, which then need not read
   * them back; a turn on another worker reads them from the store.
   */
  public void started(RunInput run) {
    if (run.settings() != null) {
      perRun.put(new Key(run.runId(), SETTINGS), run.settings());
    }
  }

  /**
   * Something a run reads once: its agent, scenario or model as they were when it first needed
   * them. A load that fails is not kept.
   */
  public <T> T perRun(RunInput run, String what, Class<T> type, Supplier<T> load) {
    return perRun(run.runId(), what, type, load);
  }

  public <T> T perRun(String runId, String what, Class<T> type, Supplier<T> load) {
    // Not computeIfAbsent: a load may itself read something else the run keeps (the simulated
    // user's brief reads the scenario), and a cache computation must not nest another.
    Key key = new Key(runId, what);
    Object kept = perRun.getIfPresent(key);
    if (kept == null) {
      Object loaded = load.get();
      kept = perRun.asMap().putIfAbsent(key, loaded);
      if (kept == null) {
        kept = loaded;
      }
    }
    return type.cast(kept);
  }

  /** The turn as an earlier attempt stored it, or an ended turn when the run is final already. */
  public Optional<TurnResult> already(UUID runId, int sequence, String party) {
    return start(runId, sequence, party).done();
  }

  /**
   * What a turn finds when it starts, in one round trip.
   *
   * @param done as {@link #already}
   * @param lastUserText the simulated user's latest message before the turn; null when it has said
   *     nothing yet
   */
  public record Start(Optional<TurnResult> done, String lastUserText) {}

  public Start start(UUID runId, int sequence, String party) {
    TurnRepository.TurnStart start = turns.turnStart(runId, sequence, party);
    return new Start(
        Optional.ofNullable(start.done()).map(TurnKeeper::result), start.lastUserText());
  }

  /**
   * Calls a party, heartbeating while it answers. A retryable failure of the party's own is
   * counted, and the one that reaches {@link RetrySettings#maxAttempts()} is made final.
   */
  public <T> T call(
      UUID runId, int sequence, String party, RunSettings settings, Supplier<T> remote) {
    return call(runId, sequence, party, settings.retry().maxAttempts(), remote);
  }

  /**
   * As {@link #call(UUID, int, String, RunSettings, Supplier)}, the party allowed {@code
   * maxAttempts} failures.
   */
  public <T> T call(UUID runId, int sequence, String party, int maxAttempts, Supplier<T> remote) {
    try {
      return heartbeating(remote);
    } catch (ApplicationFailure failure) {
      if (failure.isNonRetryable() || !REMOTE_FAULTS.contains(failure.getType())) {
        throw failure;
      }
      // Should the store be down, this throws too: the failure goes uncounted and is retried.
      int failures = turns.countRemoteFailure(runId, sequence, party);
      if (failures >= maxAttempts) {
        throw ApplicationFailure.newNonRetryableFailureWithCause(
            failure.getOriginalMessage(), failure.getType(), failure.getCause());
      }
      throw failure;
    }
  }

  /**
   * Stores the turn, unless an earlier attempt stored it or the run is final; either way the result
   * is the stored one, so an attempt Temporal no longer waits for changes nothing.
   */
  public TurnResult store(
      UUID runId,
      int sequence,
      String party,
      List<Turn> messages,
      TurnOutcome outcome,
      String endSignal) {
    return stored(runId, sequence, party, messages, outcome, endSignal).result();
  }

  /**
   * A turn as {@link #store} left it.
   *
   * @param byThisCall this call stored it: no earlier attempt had, and the run was still running
   */
  public record Stored(TurnResult result, boolean byThisCall) {}

  /** As {@link #store}, telling whether this call is the one that stored the turn. */
  public Stored stored(
      UUID runId,
      int sequence,
      String party,
      List<Turn> messages,
      TurnOutcome outcome,
      String endSignal) {
    TurnRepository.StoredTurn stored =
        turns.storeTurn(runId, sequence, party, messages, outcome, endSignal);
    return new Stored(result(stored.outcome()), stored.byThisCall());
  }

  private static TurnResult result(TurnOutcome outcome) {
    return new TurnResult(outcome.nextSequence(), outcome.ended(), outcome.waitMillis());
  }

  /** The context of the running activity; null when called outside Temporal (in a unit test). */
  private static ActivityExecutionContext context() {
    try {
      return Activity.getExecutionContext();
    } catch (IllegalStateException notInActivity) {
      return null;
    }
  }

  private static <T> T heartbeating(Supplier<T> remote) {
    ActivityExecutionContext context = context();
    // A local activity cannot heartbeat: its workflow task's timeout tells a lost worker instead.
    Duration timeout =
        context == null || context.getInfo().isLocal()
            ? Duration.ZERO
            : context.getInfo().getHeartbeatTimeout();
    if (timeout.isZero()) {
      return remote.get();
    }
    AtomicReference<ActivityCompletionException> lost = new AtomicReference<>();
    // A call shorter than a beat sends none: most agent replies come well within it.
    long period = Math.max(200, timeout.toMillis() / 3);
    ScheduledFuture<?> beating =
        HEARTBEATS.scheduleAtFixedRate(
            () -> {
              try {
                context.heartbeat(null);
              } catch (ActivityCompletionException e) {
                lost.compareAndSet(null, e);
              } catch (RuntimeException e) {
                // Temporal unreachable for a moment: the next beat tries again.
              }
            },
            period,
            period,
            TimeUnit.MILLISECONDS);
    try {
      T answer = remote.get();
      if (lost.get() != null) {
        throw lost.get();
      }
      return answer;
    } finally {
      beating.cancel(false);
    }
  }
}
