package dev.agentsim.api.project;

import dev.agentsim.store.retention.RetentionRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import java.time.Duration;
import org.springframework.stereotype.Service;

/** A project's own settings, with the service's defaults where it has none. */
@Service
public class ProjectSettings {

  public static final int MAX_RETENTION_DAYS = 3650;

  private final RetentionRepository retention;
  private final int defaultRetentionDays;

  ProjectSettings(RetentionRepository retention, SimulatorSettings settings) {
    this.retention = retention;
    this.defaultRetentionDays = settings.retention().days();
  }

  /** Days a run is kept after it was created; the daily cleanup deletes it after. */
  public int retentionDays(String projectId) {
    return retention.retentionDays(projectId).orElse(defaultRetentionDays);
  }

  public Duration retention(String projectId) {
    return Duration.ofDays(retentionDays(projectId));
  }

  public void setRetentionDays(String projectId, int days) {
    retention.setRetentionDays(projectId, days);
  }
}
