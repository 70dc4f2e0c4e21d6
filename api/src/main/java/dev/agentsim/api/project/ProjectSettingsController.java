package dev.agentsim.api.project;

import dev.agentsim.api.error.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A project's settings: how many days its runs are kept. */
@RestController
@RequestMapping("/v1/settings")
@Tag(name = "Settings", description = "A project's settings")
public class ProjectSettingsController {

  private final ProjectSettings settings;

  ProjectSettingsController(ProjectSettings settings) {
    this.settings = settings;
  }

  /**
   * @param retentionDays days a run is kept after it was created, 1 to {@value
   *     ProjectSettings#MAX_RETENTION_DAYS}
   */
  public record Settings(String projectId, Integer retentionDays) {}

  /** The body of {@code PUT /v1/settings}. */
  public record SettingsRequest(Integer retentionDays) {}

  @Operation(summary = "Read the project's settings")
  @GetMapping
  public Settings get(@RequestParam String projectId) {
    return new Settings(projectId, settings.retentionDays(projectId));
  }

  @Operation(
      summary = "Change the project's settings",
      description = "retentionDays: how many days a run is kept")
  @PutMapping
  public Settings put(@RequestParam String projectId, @RequestBody SettingsRequest body) {
    if (body.retentionDays() == null) {
      throw new FieldError("retentionDays", "REQUIRED", "retentionDays is required");
    }
    if (body.retentionDays() < 1 || body.retentionDays() > ProjectSettings.MAX_RETENTION_DAYS) {
      throw new FieldError(
          "retentionDays",
          "OUT_OF_RANGE",
          "retentionDays must be between 1 and " + ProjectSettings.MAX_RETENTION_DAYS);
    }
    settings.setRetentionDays(projectId, body.retentionDays());
    return get(projectId);
  }
}
