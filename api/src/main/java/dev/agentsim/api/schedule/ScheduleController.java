package dev.agentsim.api.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.openapi.Pagination;
import dev.agentsim.store.schedule.Schedule;
import dev.agentsim.workflows.schedule.ScheduledBatchWorkflow;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Schedules", description = "Batches started on a cron expression or at an interval")
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

  /** The list's body as the API document shows it. */
  record SchedulePage(List<ScheduleResponse> data, Pagination pagination) {}

  /** Creates a schedule: 201 with it; its first batch starts at its first time. */
  @Operation(
      summary = "Create a schedule",
      description = "Its first batch starts at its first time")
  @ApiResponse(responseCode = "201", description = "The schedule")
  @PostMapping
  public ResponseEntity<ScheduleResponse> create(
      @RequestParam String projectId, @RequestBody ScheduleRequest body) {
    Schedule schedule = schedules.create(projectId, body);
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(schedule.id())
            .toUri();
    return ResponseEntity.created(location).body(view(schedule));
  }

  /** The project's schedules, oldest first, paged as the definitions' lists are. */
  @Operation(summary = "List schedules", description = "The project's schedules, oldest first")
  @ApiResponse(
      responseCode = "200",
      description = "One page of schedules",
      content = @Content(schema = @Schema(implementation = SchedulePage.class)))
  @GetMapping
  public Map<String, Object> list(
      @RequestParam String projectId,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and " + MAX_LIMIT);
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
    List<Schedule> page = schedules.list(projectId, limit + 1, skip);
    return Map.of(
        "data",
        page.stream().limit(limit).map(this::view).toList(),
        "pagination",
        Map.of("limit", limit, "skip", skip, "hasNext", page.size() > limit));
  }

  @Operation(summary = "Read a schedule")
  @GetMapping("/{scheduleId}")
  public ScheduleResponse get(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(
        schedules
            .find(projectId, scheduleId)
            .orElseThrow(() -> new NotFound("Schedule " + scheduleId + " not found")));
  }

  /** No batch starts while a schedule is paused; one under way goes on. */
  @Operation(
      summary = "Pause a schedule",
      description = "No batch starts while it is paused; one under way goes on")
  @PostMapping("/{scheduleId}:pause")
  public ScheduleResponse pause(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(schedules.pause(projectId, scheduleId, true));
  }

  @Operation(summary = "Resume a schedule")
  @PostMapping("/{scheduleId}:resume")
  public ScheduleResponse resume(@RequestParam String projectId, @PathVariable UUID scheduleId) {
    return view(schedules.pause(projectId, scheduleId, false));
  }

  /** Deletes a schedule: 204. The batches it started stay. */
  @Operation(summary = "Delete a schedule", description = "The batches it started stay")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DeleteMapping("/{scheduleId}")
  public ResponseEntity<Void> delete(
      @RequestParam String projectId, @PathVariable UUID scheduleId) {
    schedules.delete(projectId, scheduleId);
    return ResponseEntity.noContent().build();
  }

  private ScheduleResponse view(Schedule schedule) {
    return new ScheduleResponse(
        schedule.id(),
        schedule.projectId(),
        schedule.name(),
        schedule.cron(),
        schedule.intervalSeconds(),
        schedule.paused(),
        json.readTree(schedule.batch()),
        ScheduledBatchWorkflow.workflowId(schedule.id().toString()),
        schedule.createdAt().toString(),
        schedule.updatedAt().toString());
  }
}
