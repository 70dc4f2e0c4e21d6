package dev.agentsim.api.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.agentsim.api.batch.BatchRequest;
import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.batch.StartBatch;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.schedule.Schedule;
import dev.agentsim.store.schedule.ScheduleRepository;
import dev.agentsim.workflows.schedule.ScheduleActivities.ScheduledBatch;
import dev.agentsim.workflows.schedule.ScheduledBatches;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batches started on a schedule. The database holds the schedules, what the API lists; Temporal
 * starts each batch through {@link Batches#start}, labelled {@code schedule=<id>}.
 */
@Service
public class Schedules {

  public static final long MIN_INTERVAL_SECONDS = 60;
  public static final long MAX_INTERVAL_SECONDS = 366L * 24 * 3600;

  /** The label each scheduled batch carries, its value the schedule's id. */
  public static final String LABEL = "schedule";

  private static final Logger log = LoggerFactory.getLogger(Schedules.class);

  /** Five fields, as Temporal reads them. */
  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ScheduleRepository schedules;
  private final Batches batches;
  private final DefinitionRepository definitions;
  private final ScheduledBatches temporal;
  private final JsonMapper json;

  Schedules(
      ScheduleRepository schedules,
      Batches batches,
      DefinitionRepository definitions,
      WorkflowClient client,
      JsonMapper json) {
    this.schedules = schedules;
    this.batches = batches;
    this.definitions = definitions;
    this.temporal = new ScheduledBatches(client);
    this.json = json;
  }

  /**
   * Records the schedule and starts its timers in Temporal.
   *
   * @throws FieldError naming the first field at fault, {@code batch.*} for the batch's
   */
  public Schedule create(String projectId, ScheduleRequest request) {
    if (request.batch() == null) {
      throw new FieldError("batch", "REQUIRED", "batch is required: the body of POST /v1/batches");
    }
    if ((request.cron() == null) == (request.intervalSeconds() == null)) {
      throw new FieldError(
          "cron", "INVALID_VALUE", "Exactly one of cron and intervalSeconds is required");
    }
    if (request.cron() != null) {
      checkCron(request.cron());
    }
    if (request.intervalSeconds() != null
        && (request.intervalSeconds() < MIN_INTERVAL_SECONDS
            || request.intervalSeconds() > MAX_INTERVAL_SECONDS)) {
      throw new FieldError(
          "intervalSeconds",
          "OUT_OF_RANGE",
          "intervalSeconds must be between "
              + MIN_INTERVAL_SECONDS
              + " and "
              + MAX_INTERVAL_SECONDS);
    }
    if (request.name() != null && request.name().isBlank()) {
      throw new FieldError("name", "INVALID_VALUE", "name must not be blank");
    }
    StartBatch command = checkedBatch(projectId, request.batch());
    String name = request.name() == null ? command.name() : request.name();
    boolean paused = Boolean.TRUE.equals(request.paused());
    Schedule schedule =
        schedules.insert(
            projectId,
            name,
            request.cron() == null ? null : request.cron().trim(),
            request.intervalSeconds(),
            json.writeValueAsString(request.batch()),
            paused);
    try {
      temporal.create(
          schedule.id().toString(), schedule.cron(), schedule.intervalSeconds(), paused);
    } catch (RuntimeException e) {
      schedules.delete(projectId, schedule.id());
      throw e;
    }
    return schedule;
  }

  public Optional<Schedule> find(String projectId, UUID id) {
    return schedules.find(projectId, id);
  }

  /** The project's schedules, oldest first. */
  public List<Schedule> list(String projectId, int limit, int offset) {
    return schedules.list(projectId, limit, offset);
  }

  /** Pauses or resumes the schedule: no batch starts while it is paused. */
  public Schedule pause(String projectId, UUID id, boolean paused) {
    Schedule schedule = schedules.setPaused(projectId, id, paused).orElseThrow(() -> notFound(id));
    temporal.pause(id.toString(), paused);
    return schedule;
  }

  /** Deletes the schedule; the batches it started stay. */
  public void delete(String projectId, UUID id) {
    if (!schedules.delete(projectId, id)) {
      throw notFound(id);
    }
    temporal.delete(id.toString());
  }

  /**
   * Starts the schedule's next batch, unless it is paused or gone; a batch that cannot start (its
   * scenario deleted, say) is logged and skipped, and the schedule goes on.
   */
  public ScheduledBatch startBatch(UUID id) {
    Optional<Schedule> found = schedules.find(id);
    if (found.isEmpty()) {
      return new ScheduledBatch(null, "The schedule was deleted");
    }
    Schedule schedule = found.get();
    if (schedule.paused()) {
      return new ScheduledBatch(null, "The schedule is paused");
    }
    try {
      StartBatch command =
          batches.command(
              schedule.projectId(), json.readValue(schedule.batch(), BatchRequest.class));
      Batch batch = batches.start(command.withLabel(LABEL, id.toString()));
      log.info("Schedule {} started batch {}", id, batch.id());
      return new ScheduledBatch(batch.id().toString(), null);
    } catch (NotFound | FieldError e) {
      log.warn(
          "Schedule {} of project {} could not start its batch: {}",
          id,
          schedule.projectId(),
          e.getMessage());
      return new ScheduledBatch(null, e.getMessage());
    }
  }

  /**
   * Creates in Temporal whatever of the stored schedules it lacks: an in-process server starts
   * empty.
   */
  public void ensureAll() {
    for (Schedule schedule : schedules.all()) {
      temporal.create(
          schedule.id().toString(), schedule.cron(), schedule.intervalSeconds(), schedule.paused());
    }
  }

  private static void checkCron(String cron) {
    try {
      CRON.parse(cron.trim()).validate();
    } catch (IllegalArgumentException e) {
      throw new FieldError(
          "cron",
          "INVALID_VALUE",
          "cron must be five fields (minute hour day-of-month month day-of-week), e.g. '0 6 * * 1-5': "
              + e.getMessage());
    }
  }

  /** The batch as POST /v1/batches would start it, its errors named as fields of the schedule. */
  private StartBatch checkedBatch(String projectId, BatchRequest request) {
    StartBatch command;
    try {
      command = batches.command(projectId, request);
    } catch (FieldError e) {
      String message =
          e.getMessage().startsWith(e.field()) ? "batch." + e.getMessage() : e.getMessage();
      throw new FieldError("batch." + e.field(), e.code(), message);
    }
    exists(projectId, Kind.SCENARIO, ScenarioSpec.class, command.scenarioId(), "batch.scenarioId");
    exists(projectId, Kind.AGENT, AgentSpec.class, command.agentId(), "batch.agentId");
    exists(projectId, Kind.MODEL, ModelSpec.class, command.modelId(), "batch.modelId");
    exists(
        projectId, Kind.AGENT, AgentSpec.class, command.counterAgentId(), "batch.counterAgentId");
    return command;
  }

  private void exists(String projectId, Kind kind, Class<?> type, UUID id, String field) {
    if (id != null && definitions.find(projectId, kind, id, type).isEmpty()) {
      throw new FieldError(
          field,
          "NOT_FOUND",
          field + " names no " + kind.name().toLowerCase(Locale.ROOT) + " of the project");
    }
  }

  private static NotFound notFound(UUID id) {
    return new NotFound("Schedule " + id + " not found");
  }
}
