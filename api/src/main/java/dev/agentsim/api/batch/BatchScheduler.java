package dev.agentsim.api.batch;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.error.Unavailable;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.CognigyRestAgentConfig;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.OpenAiChatAgentConfig;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.BatchStatus;
import dev.agentsim.workflows.RetrySettings;
import dev.agentsim.workflows.TaskQueues;
import dev.agentsim.workflows.batch.BatchInput;
import dev.agentsim.workflows.batch.BatchWorkflow;
import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import dev.agentsim.workflows.run.RunSettings;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Starts, reads and stops batches, whichever API dialect asks. */
@Service
public class BatchScheduler {

  private static final long ATTEMPT_MARGIN_SECONDS = 30;

  /**
   * Starts of one batch's workflow before the scheduler gives up, all under the batch's workflow
   * id.
   */
  private static final int START_ATTEMPTS = 3;

  /**
   * An {@code openai-chat} agent's model calls in one turn: its tool calls, at most ten, and its
   * answer.
   */
  private static final int MAX_CHAT_CALLS_PER_TURN = 11;

  private final DefinitionRepository definitions;
  private final BatchRepository batches;
  private final WorkflowClient temporal;
  private final RetrySettings retry;
  private final long runTimeoutSeconds;
  private final Duration llmTimeout;
  private final Duration slotWait;
  private final Duration stallCheck;

  public BatchScheduler(
      DefinitionRepository definitions,
      BatchRepository batches,
      WorkflowClient temporal,
      SimulatorSettings settings) {
    this.definitions = definitions;
    this.batches = batches;
    this.temporal = temporal;
    this.retry = settings.retry().settings();
    this.runTimeoutSeconds = settings.runTimeoutSeconds();
    this.llmTimeout = settings.llm().timeout();
    this.slotWait = settings.llm().slotWait();
    this.stallCheck = settings.batch().stallCheck();
  }

  /**
   * Records the batch and starts its workflow. A batch whose workflow surely did not start is
   * removed again, so a failed request leaves nothing behind.
   *
   * @throws NotFound when the scenario, its persona, the agent, the model or the counter agent is
   *     not in the project. A batch whose simulated user is a counter agent may have no model.
   */
  public Batch schedule(StartBatch request) {
    Stored<ScenarioSpec> scenario =
        definitions
            .find(request.projectId(), Kind.SCENARIO, request.scenarioId(), ScenarioSpec.class)
            .orElseThrow(() -> new NotFound("Scenario " + request.scenarioId() + " not found"));
    Stored<AgentSpec> agent =
        definitions
            .find(request.projectId(), Kind.AGENT, request.agentId(), AgentSpec.class)
            .orElseThrow(() -> new NotFound("Agent " + request.agentId() + " not found"));
    if (request.modelId() != null) {
      if (definitions
          .find(request.projectId(), Kind.MODEL, request.modelId(), ModelSpec.class)
          .isEmpty()) {
        throw new NotFound("Model " + request.modelId() + " not found");
      }
    }
    if (request.counterAgentId() != null) {
      if (definitions
          .find(request.projectId(), Kind.AGENT, request.counterAgentId(), AgentSpec.class)
          .isEmpty()) {
        throw new NotFound("Agent " + request.counterAgentId() + " not found");
      }
    }
    int maxTurns = maxTurns(scenario.spec());
    String persona = personaName(request.projectId(), scenario.spec());
    UUID agentRevisionId = agentRevision(request);

    UUID batchId = UUID.randomUUID();
    Batch batch =
        batches.insert(
            batchId,
            request.projectId(),
            request.scenarioId(),
            request.agentId(),
            request.modelId(),
            request.name(),
            request.runs(),
            request.endPointType(),
            request.runConfig(),
            request.createdBy(),
            request.labels());
    if (agentRevisionId != null) {
      batches.recordAgentRevision(batchId, agentRevisionId);
    }
    ScenarioSpec spec = scenario.spec();
    RunSettings settings =
        new RunSettings(
            spec.agentSpeaksFirst(),
            maxTurns,
            request.maxEvents() == null ? StartBatch.DEFAULT_MAX_EVENTS : request.maxEvents(),
            runTimeoutSeconds,
            request.session(),
            retryFor(request, agent.spec()),
            request.dynamicVariables(),
            request.mocking(),
            request.counterAgentId() == null ? null : request.counterAgentId().toString(),
            agentRevisionId == null ? null : agentRevisionId.toString(),
            request.counterAgentId() == null && spec.scripted(),
            request.fork());
    BatchInput input =
        new BatchInput(
            batchId.toString(),
            request.projectId(),
            request.scenarioId().toString(),
            request.agentId().toString(),
            request.modelId() == null ? null : request.modelId().toString(),
            request.runs(),
            request.concurrency(),
            request.stopOnFailure(),
            request.timeoutSeconds(),
            settings,
            Math.max(1, stallCheck.toSeconds()),
            request.until(),
            false,
            null);
    batches.recordWorkflowInput(batchId, input);
    WorkflowOptions options =
        options(input)
            .setStaticSummary(
                String.format(
                    "%s: %d runs of \"%s\" against \"%s\"",
                    request.name(), request.runs(), spec.name(), agent.spec().name()))
            .setStaticDetails(
                String.format(
                    """
            **Project** %s
            **Scenario** %s (%s), persona %s
            **Agent** %s (%s)
            **Model** %s
            **Runs** %d%s, %d at a time, stop on failure: %s, timeout: %s""",
                    request.projectId(),
                    spec.name(),
                    request.scenarioId(),
                    persona,
                    agent.spec().name(),
                    request.agentId(),
                    request.modelId(),
                    request.runs(),
                    request.until() == null
                        ? ""
                        : String.format(
                            " at most, until the pass rate is within ±%s (after %d judged)",
                            request.until().halfWidth(), request.until().minRuns()),
                    request.concurrency(),
                    request.stopOnFailure(),
                    request.timeoutSeconds() > 0 ? request.timeoutSeconds() + " s" : "none"))
            .build();
    try {
      start(options, input);
    } catch (NeverStarted e) {
      batches.delete(batchId);
      throw new Unavailable(
          "Temporal did not start the batch: " + e.getMessage() + "; nothing was scheduled",
          e.failure);
    } catch (RuntimeException e) {
      // Perhaps started after all: kept, and ended by the sweep if Temporal never heard of it.
      throw new Unavailable(
          "Temporal did not confirm the start of batch " + batchId + ": " + e.getMessage(), e);
    }
    return batch;
  }

  /**
   * Starts again the workflow of a batch whose workflow was lost (with an in-process Temporal
   * server that stopped), from {@code input} and the state its runs left in the store.
   */
  public void resume(String name, BatchInput input) {
    start(options(input).setStaticSummary(name + ": resumed after a restart").build(), input);
  }

  private static WorkflowOptions.Builder options(BatchInput input) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(BatchWorkflow.workflowId(input.batchId()))
        .setTaskQueue(TaskQueues.SIMULATION)
        // A batch's workflow id is never used twice: asking again after a start that seemed to fail
        // is safe.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(SimulationSearchAttributes.PROJECT, input.projectId())
                .set(SimulationSearchAttributes.BATCH, input.batchId())
                .set(SimulationSearchAttributes.SCENARIO, input.scenarioId())
                .set(
                    SimulationSearchAttributes.STATUS,
                    (input.state() == null ? BatchStatus.PENDING : BatchStatus.RUNNING).wire())
                .build());
  }

  /** A start Temporal surely never took. */
  private static final class NeverStarted extends RuntimeException {
    private final RuntimeException failure;

    NeverStarted(RuntimeException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  /**
   * Starts the batch's workflow. A start that fails may have gone through all the same (a timeout
   * after Temporal took it): it is asked again under the same workflow id, and Temporal saying it
   * is started already means it is. A start that cannot be told keeps failing.
   *
   * @throws NeverStarted when Temporal surely never started it
   */
  private void start(WorkflowOptions options, BatchInput input) {
    RuntimeException failure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        WorkflowClient.start(temporal.newWorkflowStub(BatchWorkflow.class, options)::run, input);
        return;
      } catch (WorkflowExecutionAlreadyStarted started) {
        return;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    try {
      temporal.newUntypedWorkflowStub(options.getWorkflowId()).describe();
      return;
    } catch (WorkflowNotFoundException never) {
      throw new NeverStarted(failure);
    } catch (RuntimeException unknown) {
      failure.addSuppressed(unknown);
    }
    throw failure;
  }

  /**
   * The retries of the batch's turns, an attempt long enough for the slowest of its parties: the
   * agent, the counter agent and the model each as configured, plus the wait for a model slot and a
   * margin. Never shorter than {@code simulator.retry.attempt-timeout-seconds}; a lost worker is
   * noticed by the heartbeat timeout, not by this.
   */
  private RetrySettings retryFor(StartBatch request, AgentSpec agent) {
    long slowestMs = partyMillis(request.projectId(), agent);
    if (request.counterAgentId() != null) {
      slowestMs =
          Math.max(
              slowestMs,
              definitions
                  .find(request.projectId(), Kind.AGENT, request.counterAgentId(), AgentSpec.class)
                  .map(counter -> partyMillis(request.projectId(), counter.spec()))
                  .orElse(0L));
    }
    if (request.modelId() != null) {
      slowestMs = Math.max(slowestMs, modelMillis(request.projectId(), request.modelId()));
    }
    long seconds = (slowestMs + slotWait.toMillis()) / 1000 + ATTEMPT_MARGIN_SECONDS;
    return new RetrySettings(
        retry.maxAttempts(),
        retry.initialIntervalMillis(),
        Math.max(retry.attemptTimeoutSeconds(), seconds),
        retry.heartbeatTimeoutSeconds());
  }

  /**
   * What one attempt of an agent's turn may take: its timeout, or its model's for every call of a
   * turn.
   */
  private long partyMillis(String projectId, AgentSpec agent) {
    if (agent.config() instanceof HttpAgentConfig http) {
      return http.timeoutOrDefault();
    }
    if (agent.config() instanceof CognigyRestAgentConfig cognigy) {
      return cognigy.timeoutMs() == null ? HttpAgentConfig.DEFAULT_TIMEOUT_MS : cognigy.timeoutMs();
    }
    if (agent.config() instanceof OpenAiChatAgentConfig chat) {
      return MAX_CHAT_CALLS_PER_TURN * modelMillis(projectId, chat.modelId());
    }
    return HttpAgentConfig.DEFAULT_TIMEOUT_MS;
  }

  private long modelMillis(String projectId, UUID modelId) {
    return definitions
        .find(projectId, Kind.MODEL, modelId, ModelSpec.class)
        .map(
            model ->
                model.spec().timeoutMs() == null
                    ? llmTimeout.toMillis()
                    : model.spec().timeoutMs().longValue())
        .orElse(llmTimeout.toMillis());
  }

  /**
   * The pinned revision, which must be the agent's; else the agent's latest, so that every run
   * records which version of the agent it tested, even when the agent changes while the batch runs.
   */
  private UUID agentRevision(StartBatch request) {
    if (request.agentRevisionId() == null) {
      return definitions.latestAgentRevision(request.agentId()).map(AgentRevision::id).orElse(null);
    }
    return definitions
        .agentRevision(request.agentId(), request.agentRevisionId())
        .orElseThrow(
            () ->
                new FieldError(
                    "agentRevisionId",
                    "NOT_FOUND",
                    "Agent revision "
                        + request.agentRevisionId()
                        + " is not a revision of agent "
                        + request.agentId()))
        .id();
  }

  /**
   * A run has at most as many turns as it may have messages ({@link StartBatch#MAX_EVENTS}). The
   * scenario API bounds {@code maxTurns} more tightly and Interactly's implicit scenarios take
   * theirs from the validated {@code max_events}; this refuses a scenario stored some other way.
   */
  private static int maxTurns(ScenarioSpec scenario) {
    int maxTurns = scenario.maxTurnsOrDefault();
    if (maxTurns < 1 || maxTurns > StartBatch.MAX_EVENTS) {
      throw new FieldError(
          "maxTurns",
          "OUT_OF_RANGE",
          "The scenario's maxTurns must be between 1 and "
              + StartBatch.MAX_EVENTS
              + ", it is "
              + maxTurns);
    }
    return maxTurns;
  }

  /** Every run would fail without its persona: such a batch is refused rather than started. */
  private String personaName(String projectId, ScenarioSpec scenario) {
    if (scenario.personaId() == null) {
      return scenario.persona().name();
    }
    return definitions
        .find(projectId, Kind.PERSONA, scenario.personaId(), PersonaSpec.class)
        .orElseThrow(
            () -> new NotFound("Persona " + scenario.personaId() + " of the scenario not found"))
        .spec()
        .name();
  }

  public Optional<Batch> find(String projectId, UUID batchId) {
    return batches.find(projectId, batchId);
  }

  /**
   * Asks a batch to stop. Its workflow cancels the runs in flight; the batch reads {@code stopped}
   * once they have recorded their partial transcripts. A finished batch stays as it is.
   */
  public void stop(Batch batch, String reason) {
    if (batch.status().isFinal()) {
      return;
    }
    try {
      temporal
          .newWorkflowStub(BatchWorkflow.class, BatchWorkflow.workflowId(batch.id().toString()))
          .stopBatch(reason);
    } catch (WorkflowUpdateException | WorkflowNotFoundException e) {
      // finished, or stopping already, between the read and the stop: it stays as it is
    }
  }
}
