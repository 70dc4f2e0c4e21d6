package dev.agentsim.api.batch;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.Evaluation;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.store.run.RevisionVerdicts;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.store.run.RunVerdict;
import dev.agentsim.store.run.TurnRepository;
import dev.agentsim.store.run.TurnRepository.MessageTotals;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.batch.BatchInput;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything done to batches, whichever way it is asked for: the native API, the Cognigy, Feather
 * and Interactly dialects, the command line. Each dialect maps its request to a {@link StartBatch}
 * and these answers to its own views; what a batch is and does is decided here once.
 */
@Service
public class Batches {

  private final BatchScheduler scheduler;
  private final BatchControl control;
  private final Rejudge rejudge;
  private final Forks forks;
  private final BatchRepository batches;
  private final RunRepository runs;
  private final TurnRepository turns;
  private final LlmCallRepository llmCalls;
  private final EvaluationRepository evaluations;
  private final DefinitionRepository definitions;
  private final JsonMapper json;

  Batches(
      BatchScheduler scheduler,
      BatchControl control,
      Rejudge rejudge,
      Forks forks,
      BatchRepository batches,
      RunRepository runs,
      TurnRepository turns,
      LlmCallRepository llmCalls,
      EvaluationRepository evaluations,
      DefinitionRepository definitions,
      JsonMapper json) {
    this.scheduler = scheduler;
    this.control = control;
    this.rejudge = rejudge;
    this.forks = forks;
    this.batches = batches;
    this.runs = runs;
    this.turns = turns;
    this.llmCalls = llmCalls;
    this.evaluations = evaluations;
    this.definitions = definitions;
    this.json = json;
  }

  /** A batch with what its views show beside its own row. */
  public record Totals(Map<ErrorCategory, Integer> errorsByCategory, Usage usage) {}

  /** A run with the tokens and cost of its LLM calls. */
  public record RunUsage(Run run, Usage usage) {}

  /** A run found by its id alone, with its batch. */
  public record BatchRun(Batch batch, RunUsage run) {}

  /**
   * Records the batch and starts its workflow; nothing is left behind when it could not start.
   *
   * @throws NotFound when an object the command names is not in the project
   */
  public Batch start(StartBatch command) {
    return scheduler.schedule(command);
  }

  /**
   * Starts a batch whose runs replay a stored conversation up to a message of its simulated user,
   * then go on from there (see {@link Forks}).
   *
   * @throws NotFound when the run is not in the project
   * @throws dev.agentsim.api.error.FieldError naming {@code fromSequence} when it is no user
   *     message of the transcript
   */
  public Batch fork(ForkRun command) {
    return forks.fork(command);
  }

  /**
   * The command a native batch request ({@code POST /v1/batches}) gives, every value checked; the
   * batch is named after its scenario unless the request names it.
   *
   * @throws FieldError naming the first field at fault
   */
  public StartBatch command(String projectId, BatchRequest request) {
    String scenarioName =
        request.scenarioId() == null
            ? null
            : definitions
                .find(projectId, Kind.SCENARIO, request.scenarioId(), ScenarioSpec.class)
                .map(scenario -> scenario.spec().name())
                .orElse(null);
    return request.toSchedule(projectId, scenarioName == null ? "batch" : scenarioName, json);
  }

  /** Starts the workflow of a batch recorded before, with the input it was recorded with. */
  public void resume(String name, BatchInput input) {
    scheduler.resume(name, input);
  }

  public Optional<Batch> find(String projectId, UUID batchId) {
    return batches.find(projectId, batchId);
  }

  /** The project's batches, newest first, as the query filters them. */
  public List<Batch> list(BatchRepository.Query query) {
    return batches.list(query);
  }

  /** The project's batches one dialect started, newest first. */
  public List<Batch> page(String projectId, String endPointType, int limit, int offset) {
    return batches.page(projectId, endPointType, limit, offset);
  }

  public int count(String projectId, String endPointType) {
    return batches.count(projectId, endPointType);
  }

  /**
   * Asks a batch to stop; it reads {@code stopped} once its runs in flight have recorded their
   * partial transcripts. A finished batch stays as it is.
   */
  public void stop(Batch batch, String reason) {
    scheduler.stop(batch, reason);
  }

  /**
   * Sets how many runs a running batch starts in all (with adaptive sampling, the most it may
   * start), down to those started already.
   *
   * @return the batch as changed
   * @throws FieldError naming {@code runs} when fewer than the runs started already
   * @throws Conflict when the batch has finished, is stopping or has reached its precision
   */
  public Batch raiseRuns(Batch batch, int runs) {
    return control.raiseRuns(batch, runs);
  }

  /**
   * Sets how many of a running batch's runs may be in flight at once; runs in flight finish.
   *
   * @throws Conflict as {@link #raiseRuns}
   */
  public Batch changeConcurrency(Batch batch, int concurrency) {
    return control.changeConcurrency(batch, concurrency);
  }

  /**
   * No new run of the batch starts until it is resumed; runs in flight finish.
   *
   * @throws Conflict as {@link #raiseRuns}
   */
  public Batch pauseRuns(Batch batch) {
    return control.pauseRuns(batch);
  }

  /**
   * Starts a paused batch's runs again.
   *
   * @throws Conflict as {@link #raiseRuns}
   */
  public Batch resumeRuns(Batch batch) {
    return control.resumeRuns(batch);
  }

  /**
   * Starts the next evaluation of a finished batch's runs.
   *
   * @return the batch, rejudging
   * @throws Conflict when the batch has not finished, or is being rejudged already
   */
  public Batch rejudge(Batch batch) {
    return rejudge.start(batch);
  }

  /** Deletes a finished batch with its runs, their turns and evaluations. */
  public BatchRepository.Deletion delete(String projectId, UUID batchId) {
    return batches.deleteFinished(projectId, batchId);
  }

  public Totals totals(Batch batch) {
    return new Totals(batches.errorsByCategory(batch.id()), llmCalls.usageOfBatch(batch.id()));
  }

  /**
   * A page of the batch's runs with their transcripts.
   *
   * @param status a verdict or a lifecycle status; null for all
   */
  public List<RunUsage> runs(
      Batch batch, String status, RunSort sort, boolean ascending, int limit, int offset) {
    return withUsage(runs.page(batch.id(), status, sort, ascending, limit, offset));
  }

  public int countRuns(Batch batch, String status) {
    return runs.count(batch.id(), status);
  }

  public Optional<RunUsage> run(Batch batch, UUID runId) {
    return runs.find(batch.id(), runId).map(run -> withUsage(List.of(run)).get(0));
  }

  /** A run of any of the project's batches, with its batch. */
  public Optional<BatchRun> run(String projectId, UUID runId) {
    return runs.find(projectId, runId)
        .flatMap(
            run ->
                batches
                    .find(projectId, run.batchId())
                    .map(batch -> new BatchRun(batch, withUsage(List.of(run)).get(0))));
  }

  /**
   * The verdicts and criteria results of the batch's runs, in sequence order, without transcripts.
   */
  public List<RunVerdict> verdicts(Batch batch) {
    return runs.verdicts(batch.id());
  }

  /** The verdicts of the scenario's runs in all of the project's batches, by agent revision. */
  public List<RevisionVerdicts> verdictsByAgentRevision(String projectId, UUID scenarioId) {
    return runs.verdictsByAgentRevision(projectId, scenarioId);
  }

  /** The agent revision the batch tested; none for a batch scheduled before revisions were kept. */
  public Optional<AgentRevision> agentRevision(Batch batch) {
    return batches
        .agentRevisionId(batch.id())
        .flatMap(id -> definitions.agentRevision(batch.agentId(), id));
  }

  /** The run's evaluations, oldest first: the first when it ended, one more for each rejudge. */
  public List<Evaluation> evaluations(Run run) {
    return evaluations.evaluations(run.id());
  }

  /** The batch's messages and their total latency, by role. */
  public Map<String, MessageTotals> messageTotals(Batch batch) {
    return turns.messageTotals(batch.id());
  }

  private List<RunUsage> withUsage(List<Run> page) {
    Map<UUID, Usage> usage = llmCalls.usageOfRuns(page.stream().map(Run::id).toList());
    return page.stream()
        .map(run -> new RunUsage(run, usage.getOrDefault(run.id(), Usage.NONE)))
        .toList();
  }
}
