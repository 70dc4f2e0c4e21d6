package dev.agentsim.workflows;

import dev.agentsim.workflows.batch.BatchActivities;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.run.AgentActivities;
import dev.agentsim.workflows.run.RunActivities;
import dev.agentsim.workflows.run.RunInput;
import dev.agentsim.workflows.run.RunOutcome;
import dev.agentsim.workflows.run.SimulatedUserActivities;
import dev.agentsim.workflows.run.TurnRequest;
import dev.agentsim.workflows.run.TurnResult;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.testservice.v1.LockTimeSkippingRequest;
import io.temporal.api.testservice.v1.TestServiceGrpc;
import io.temporal.api.testservice.v1.UnlockTimeSkippingRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Hand-written fakes of every activity the workflows call: the store, the agent, the simulated
 * user, the judge and the batch's own activities. They record what they were asked, so tests can
 * check what a user would see in the store, and their behaviour can be swapped per test.
 *
 * <p>{@link #reportRun} delivers the {@code runFinished} signal through the test environment's
 * client, exactly like production does; a run is counted as running (see {@link
 * #maxConcurrentRuns()}) from its {@code startRun} until its report.
 */
public class FakeActivities
    implements RunActivities, AgentActivities, SimulatedUserActivities, BatchActivities {

  /** What one party does on its turn: answer, end the conversation, fail or hang. */
  @FunctionalInterface
  public interface Turn {
    TurnResult take(TurnRequest request);
  }

  public enum Party {
    USER,
    AGENT
  }

  /** One call of a party's activity, with the attempt Temporal was on. */
  public record TurnCall(Party party, int run, int sequence, int exchange, int attempt) {}

  /** One call of the judging activity for one of the model's judgements. */
  public record JudgeCall(String item, int attempt) {}

  public record Finished(String batchId, BatchStatus status, StopReason stopReason) {}

  /** What a batch recorded of its live control. */
  public record Controlled(String batchId, int runs, int concurrency, boolean paused) {}

  /** A party that says one message and carries on. */
  public static TurnResult speak(TurnRequest request) {
    return new TurnResult(request.sequence() + 1, false);
  }

  /** A party that says one message and ends the conversation. */
  public static TurnResult hangUp(TurnRequest request) {
    return new TurnResult(request.sequence() + 1, true);
  }

  /**
   * A party whose every attempt fails with an {@code ApplicationFailure} of the given type. As the
   * real activities do, it counts the party's failures itself and fails for good at the {@link
   * SimulationTesting#FAST_RETRY} limit.
   */
  public static Turn failing(ErrorCategory type) {
    return request -> {
      String message = "simulated " + type + " on run " + request.run().sequence();
      if (Activity.getExecutionContext().getInfo().getAttempt()
          >= SimulationTesting.FAST_RETRY.maxAttempts()) {
        throw ApplicationFailure.newNonRetryableFailure(message, type.name());
      }
      throw ApplicationFailure.newFailure(message, type.name());
    };
  }

  /**
   * A party whose first call is lost with its worker: it never returns, not even when its worker is
   * shut down, as if the process had died; later calls answer.
   */
  public Turn lostOnFirstCall() {
    AtomicBoolean first = new AtomicBoolean(true);
    return request -> first.getAndSet(false) ? lost(request) : speak(request);
  }

  private static final Duration MAX_BLOCK = Duration.ofSeconds(60);

  private final WorkflowClient client;
  private volatile Turn agent = FakeActivities::speak;
  private volatile Turn user = FakeActivities::speak;
  private volatile Function<Conclusion, Verdict> judge = conclusion -> Verdict.SUCCESS;
  private volatile List<String> modelJudgements = List.of();
  private volatile Consumer<String> judgement = item -> {};

  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger blocked = new AtomicInteger();

  private final Set<Integer> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger maxRunning = new AtomicInteger();

  private final Queue<Integer> startedRuns = new ConcurrentLinkedQueue<>();
  private final Queue<TurnCall> turns = new ConcurrentLinkedQueue<>();
  private final Queue<Conclusion> evaluated = new ConcurrentLinkedQueue<>();
  private final Queue<JudgeCall> judgements = new ConcurrentLinkedQueue<>();
  private final Map<String, Integer> maxEvents = new ConcurrentHashMap<>();
  private final AtomicInteger scriptedExchanges = new AtomicInteger();
  private final Queue<Conclusion> recordedErrors = new ConcurrentLinkedQueue<>();
  private final Queue<Conclusion> recordedStopped = new ConcurrentLinkedQueue<>();
  private final Queue<String> batchesStarted = new ConcurrentLinkedQueue<>();
  private final Queue<Finished> batchesFinished = new ConcurrentLinkedQueue<>();
  private final Queue<Controlled> batchesControlled = new ConcurrentLinkedQueue<>();
  private final Queue<RunOutcome> reported = new ConcurrentLinkedQueue<>();
  private final Queue<RunOutcome> settled = new ConcurrentLinkedQueue<>();
  private volatile int reportFailures;
  private volatile int startFailures;
  private final AtomicInteger failedStarts = new AtomicInteger();
  private final AtomicInteger failedReports = new AtomicInteger();
  private final List<String> log = new ArrayList<>();

  public FakeActivities(WorkflowClient client) {
    this.client = client;
  }

  // ---- behaviour -------------------------------------------------------------------------

  public FakeActivities agent(Turn behaviour) {
    this.agent = behaviour;
    return this;
  }

  public FakeActivities user(Turn behaviour) {
    this.user = behaviour;
    return this;
  }

  public FakeActivities judge(Function<Conclusion, Verdict> behaviour) {
    this.judge = behaviour;
    return this;
  }

  /** The model's judgements every run asks for, each made by {@code behaviour}. */
  public FakeActivities modelJudgements(List<String> items, Consumer<String> behaviour) {
    this.modelJudgements = List.copyOf(items);
    this.judgement = behaviour;
    return this;
  }

  /**
   * A party that never answers: the activity blocks until {@link #release()} (tests release in
   * {@code @AfterEach}), so the workflow only gets past it by cancelling or timing it out.
   *
   * <p>A local activity holds its workflow task open, which a real worker keeps alive by
   * heartbeating it in real time; the time-skipping server would instead jump past the task's
   * timeout. So while a local activity hangs, time runs as it really does.
   */
  public TurnResult hang(TurnRequest request) {
    hang();
    return speak(request);
  }

  /** Blocks the calling activity as {@link #hang(TurnRequest)} does. */
  public void hang() {
    boolean local = Activity.getExecutionContext().getInfo().isLocal();
    if (local) {
      timeSkipping().lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
    }
    try {
      block();
    } finally {
      if (local) {
        timeSkipping().unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
      }
    }
  }

  private TurnResult lost(TurnRequest request) {
    blocked.incrementAndGet();
    long deadline = System.nanoTime() + MAX_BLOCK.toNanos();
    while (gate.getCount() > 0 && System.nanoTime() < deadline) {
      try {
        gate.await(MAX_BLOCK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException dead) {
        // a dead process does not answer when its worker is told to stop
      }
    }
    blocked.decrementAndGet();
    return speak(request);
  }

  private void block() {
    blocked.incrementAndGet();
    try {
      gate.await(MAX_BLOCK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      blocked.decrementAndGet();
    }
  }

  private TestServiceGrpc.TestServiceBlockingStub timeSkipping() {
    return TestServiceGrpc.newBlockingStub(client.getWorkflowServiceStubs().getRawChannel());
  }

  /** Lets every hanging activity return; its late result is then ignored by Temporal. */
  public void release() {
    gate.countDown();
  }

  // ---- what happened ---------------------------------------------------------------------

  /** Activities currently hanging in {@link #hang}. */
  public int hanging() {
    return blocked.get();
  }

  /** Most runs seen between their {@code startRun} and their report at the same time. */
  public int maxConcurrentRuns() {
    return maxRunning.get();
  }

  public int concurrentRuns() {
    return running.size();
  }

  public List<Integer> startedRuns() {
    return List.copyOf(startedRuns);
  }

  public List<TurnCall> turns() {
    return List.copyOf(turns);
  }

  public List<TurnCall> turns(Party party) {
    return turns.stream().filter(call -> call.party() == party).toList();
  }

  public List<JudgeCall> judgements() {
    return List.copyOf(judgements);
  }

  public List<Conclusion> evaluated() {
    return List.copyOf(evaluated);
  }

  public List<Conclusion> recordedErrors() {
    return List.copyOf(recordedErrors);
  }

  public List<Conclusion> recordedStopped() {
    return List.copyOf(recordedStopped);
  }

  public List<String> batchesStarted() {
    return List.copyOf(batchesStarted);
  }

  public List<Finished> batchesFinished() {
    return List.copyOf(batchesFinished);
  }

  public List<Controlled> batchesControlled() {
    return List.copyOf(batchesControlled);
  }

  /** Outcomes whose signal reached the batch. */
  public List<RunOutcome> reported() {
    return List.copyOf(reported);
  }

  /**
   * The order things happened in: {@code "startRun <seq>"} and {@code "reported <seq> <verdict>"}.
   */
  public synchronized List<String> log() {
    return List.copyOf(log);
  }

  /** Waits (real time) until the condition holds; fails the test after a generous limit. */
  public static void waitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  public static List<Integer> sequences(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  // ---- RunActivities -----------------------------------------------------------------------

  @Override
  public void startRun(RunInput input) {
    if (failedStarts.get() < startFailures) {
      failedStarts.incrementAndGet();
      throw new IllegalStateException("The store is out of reach");
    }
    maxEvents.put(input.runId(), input.settings().maxEvents());
    int sequence = input.sequence();
    startedRuns.add(sequence);
    running.add(sequence);
    maxRunning.accumulateAndGet(running.size(), Math::max);
    append("startRun " + sequence);
  }

  @Override
  public Verdict evaluate(Conclusion conclusion) {
    evaluated.add(conclusion);
    return judge.apply(conclusion);
  }

  @Override
  public List<String> modelJudgements(Conclusion conclusion) {
    return modelJudgements;
  }

  @Override
  public void judge(Conclusion conclusion, String item) {
    judgements.add(new JudgeCall(item, Activity.getExecutionContext().getInfo().getAttempt()));
    judgement.accept(item);
  }

  @Override
  public void recordError(Conclusion conclusion) {
    recordedErrors.add(conclusion);
  }

  @Override
  public void recordStopped(Conclusion conclusion) {
    recordedStopped.add(conclusion);
  }

  // ---- the two parties -----------------------------------------------------------------------

  @Override
  public TurnResult agentTurn(TurnRequest request) {
    turns.add(call(Party.AGENT, request));
    return agent.take(request);
  }

  /**
   * As the real activity: the user's turn, then the agent's unless the line ended the run or filled
   * it.
   */
  @Override
  public Exchange scriptedExchange(TurnRequest request) {
    scriptedExchanges.incrementAndGet();
    TurnResult said = userTurn(request);
    if (said.ended() || said.nextSequence() >= maxEvents.get(request.run().runId())) {
      return new Exchange(said, null);
    }
    return new Exchange(
        said,
        agentTurn(new TurnRequest(request.run(), said.nextSequence(), request.exchange() + 1)));
  }

  /** Calls of {@link #scriptedExchange}. */
  public int scriptedExchanges() {
    return scriptedExchanges.get();
  }

  @Override
  public TurnResult userTurn(TurnRequest request) {
    turns.add(call(Party.USER, request));
    return user.take(request);
  }

  private static TurnCall call(Party party, TurnRequest request) {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return new TurnCall(
        party, request.run().sequence(), request.sequence(), request.exchange(), attempt);
  }

  // ---- BatchActivities -----------------------------------------------------------------------

  @Override
  public void batchStarted(String batchId) {
    batchesStarted.add(batchId);
  }

  @Override
  public void batchControlled(String batchId, int runs, int concurrency, boolean paused) {
    batchesControlled.add(new Controlled(batchId, runs, concurrency, paused));
  }

  @Override
  public void batchFinished(String batchId, BatchStatus status, StopReason stopReason) {
    batchesFinished.add(new Finished(batchId, status, stopReason));
  }

  /** Delivers the outcome by signal, as production does; the signal name is the method name. */
  @Override
  public void reportRun(String batchWorkflowId, RunOutcome outcome) {
    if (failedReports.get() < reportFailures) {
      failedReports.incrementAndGet();
      throw new IllegalStateException("Temporal is out of reach");
    }
    // No longer running once reported: the batch may start the next run as soon as the signal
    // lands.
    running.remove(outcome.sequence());
    client.newUntypedWorkflowStub(batchWorkflowId).signal("runFinished", outcome);
    reported.add(outcome);
    append("reported " + outcome.sequence() + " " + outcome.verdict());
  }

  /**
   * As production does, from each run workflow's state in Temporal: a closed run that was judged is
   * settled with its verdict, one that was not is an ERROR.
   */
  @Override
  public List<RunOutcome> settleRuns(String batchId, int maxTurns, List<Integer> sequences) {
    List<RunOutcome> outcomes = new ArrayList<>();
    for (int sequence : sequences) {
      WorkflowExecutionStatus status;
      try {
        status =
            client
                .newUntypedWorkflowStub(BatchWorkflow.runWorkflowId(batchId, sequence))
                .describe()
                .getStatus();
      } catch (WorkflowNotFoundException never) {
        status = null;
      }
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        continue;
      }
      running.remove(sequence);
      String runId = BatchWorkflow.runId(batchId, sequence);
      RunOutcome outcome =
          evaluated.stream()
              .filter(conclusion -> conclusion.run().runId().equals(runId))
              .findFirst()
              .map(
                  conclusion ->
                      new RunOutcome(
                          sequence,
                          judge.apply(conclusion),
                          conclusion.reason(),
                          ErrorCategory.NONE))
              .orElse(new RunOutcome(sequence, Verdict.ERROR, null, ErrorCategory.UNKNOWN));
      settled.add(outcome);
      outcomes.add(outcome);
      append("settled " + sequence + " " + status);
    }
    return outcomes;
  }

  /** The runs the batch settled from Temporal's state. */
  public List<RunOutcome> settled() {
    return List.copyOf(settled);
  }

  /** The next {@code failures} records of a run's start fail, as when the store is out of reach. */
  public FakeActivities failStartRun(int failures) {
    this.startFailures = failures;
    return this;
  }

  public int failedStarts() {
    return failedStarts.get();
  }

  /** The next {@code failures} reports fail, as when Temporal is out of reach. */
  public FakeActivities failReports(int failures) {
    this.reportFailures = failures;
    return this;
  }

  public int failedReports() {
    return failedReports.get();
  }

  private synchronized void append(String entry) {
    log.add(entry);
  }
}
