package dev.agentsim.api.batch;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.run.RunSettings;
import dev.agentsim.workflows.run.RunSettings.Fork;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Forks a stored conversation: a new batch of the original's scenario, agent revision, model,
 * counter agent and run settings, whose runs replay the original's user messages before the fork
 * point in a new session of the agent and then go on with the simulated user. A run still running
 * is forked from what it has stored: the messages before the fork point never change.
 */
@Service
class Forks {

  /** The label that names the forked run on the new batch. */
  static final String LABEL = "forkedFrom";

  private final BatchScheduler scheduler;
  private final BatchRepository batches;
  private final RunRepository runs;

  Forks(BatchScheduler scheduler, BatchRepository batches, RunRepository runs) {
    this.scheduler = scheduler;
    this.batches = batches;
    this.runs = runs;
  }

  Batch fork(ForkRun command) {
    Run run = runs.find(command.projectId(), command.runId()).orElseThrow(() -> notFound(command));
    Batch batch =
        batches.find(command.projectId(), run.batchId()).orElseThrow(() -> notFound(command));
    int at = command.fromSequence() - 1;
    Turn from =
        run.turns().stream()
            .filter(turn -> turn.sequence() == at)
            .findFirst()
            .orElseThrow(
                () ->
                    new FieldError(
                        "fromSequence",
                        "OUT_OF_RANGE",
                        "fromSequence must be the number of a "
                            + "message of the run's transcript, 1 to "
                            + run.turns().size()));
    if (!Turn.USER.equals(from.role())) {
      throw new FieldError(
          "fromSequence",
          "NOT_A_USER_MESSAGE",
          "fromSequence must be the number of one of the "
              + "simulated user's messages, where the fork's user speaks anew; message "
              + command.fromSequence()
              + " is the "
              + from.role()
              + "'s");
    }
    RunSettings settings =
        runs.settings(run.id())
            .orElseThrow(
                () ->
                    new Conflict(
                        "NOT_FORKABLE",
                        "Run "
                            + run.id()
                            + " was recorded without its settings, before runs could be forked"));
    int userMessages =
        (int)
            run.turns().stream()
                .filter(turn -> turn.sequence() < at && Turn.USER.equals(turn.role()))
                .count();
    return scheduler.schedule(
        new StartBatch(
            batch.projectId(),
            batch.scenarioId(),
            batch.agentId(),
            batch.modelId(),
            "Fork of run "
                + (run.sequence() + 1)
                + " of "
                + batch.name()
                + " from message "
                + command.fromSequence(),
            command.runs(),
            StartBatch.DEFAULT_CONCURRENCY,
            false,
            0,
            settings.maxEvents(),
            "native",
            settings.session(),
            batch.runConfig(),
            "api",
            settings.dynamicVariables(),
            settings.mocking(),
            uuid(settings.counterAgentId()),
            uuid(settings.agentRevisionId()),
            Map.of(LABEL, run.id().toString()),
            null,
            new Fork(run.id().toString(), at, userMessages)));
  }

  private static NotFound notFound(ForkRun command) {
    return new NotFound("Run " + command.runId() + " not found");
  }

  private static UUID uuid(String id) {
    return id == null ? null : UUID.fromString(id);
  }
}
