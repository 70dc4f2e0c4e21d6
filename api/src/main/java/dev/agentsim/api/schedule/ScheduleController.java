package dev.agentsim.api.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.schedule.Schedule;
import dev.agentsim.workflows.schedule.ScheduledBatchWorkflow;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Schedules of batches: create, list, read, pause, resume, delete. */
@RestController
@RequestMapping("/v1/schedules")
public class ScheduleController {

  private static final int MAX_LIMIT = 100;

  private final Schedules schedules;
  private final JsonMapper json;

  ScheduleController(Schedules schedules, JsonMapper json) {
    this.schedules = schedules;
    this.json = json;
  }

  /**
   * A schedule.
   *
   * @param temporalScheduleId its Temporal Schedule's id in the Temporal UI
   * @param batch the body of {@code POST /v1/batches} each batch starts with
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScheduleResponse(
      UUID id,
      String projectId,
      String name,
      String cron,
      Long intervalSeconds,
      boolean paused,
      JsonNode batch,
      String temporalScheduleId,
      String createdAt,
      String updatedAt) {}

  /** Creates a schedule: 201 with it; its first batch starts at its first time. */
  @PostMapping
  public ResponseEntity<ScheduleResponse> create(@RequestParam String projectId, @RequestBody ScheduleRequest body) {
    Schedule schedule = schedules.create(projectId, body);
    URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
        .queryParam("projectId", projectId).buildAndExpand(schedule.id()).toUri();
    return ResponseEntity.created(location).body(view(schedule));
  }

  /** The project's schedules, oldest first, paged as the definitions' lists are. */
  @GetMapping
  public Map<String, Object> list(@RequestParam String projectId,
      @RequestParam(defaultValue = "20") int limit, @RequestParam(defaultValue = "0") int skip) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and " + MAX_LIMIT);
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
    List<Schedule> page = schedules.list(projectId, limit + 1, skip);
    return Map.of("data", page.stream().limit(limit).map(this::view).toList(),
        "pagination", Map.of("limit", limit, "skip", skip, "hasNext", page.size() > limit));
  }

  @GetMapping("/{scheduleId}")
  public ScheduleResponse get(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(schedules.find(projectId, scheduleId)
        .orElseThrow(() -> new NotFound("Schedule " + scheduleId + " not found")));
  }

  /** No batch starts while a schedule is paused; one under way goes on. */
  @PostMapping("/{scheduleId}:pause")
  public ScheduleResponse pause(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(schedules.pause(projectId, scheduleId, true));
  }

  @PostMapping("/{scheduleId}:resume")
  public ScheduleResponse resume(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(schedules.pause(projectId, scheduleId, false));
  }

  /** Deletes a schedule: 204. The batches it started stay. */
  @DeleteMapping("/{scheduleId}")
  public ResponseEntity<Void> delete(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    schedules.delete(projectId, scheduleId);
    return ResponseEntity.noContent().build();
  }

  private ScheduleResponse view(Schedule schedule) {
    return new ScheduleResponse(schedule.id(), schedule.projectId(), schedule.name(), schedule.cron(),
        schedule.intervalSeconds(), schedule.paused(), json.readTree(schedule.batch()),
        ScheduledBatchWorkflow.workflowId(schedule.id().toString()), schedule.createdAt().toString(),
        schedule.updatedAt().toString());
  }
}
