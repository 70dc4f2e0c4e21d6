package dev.agentsim.store.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Which scenarios run against which agent, how often, and what result passes: the unit a test
 * command runs and gates a build on. It names the other objects of its project, as a suite file
 * does.
 *
 * @param model the simulated user's and the judge's model; none for scripted scenarios without
 *     judged criteria
 * @param runs runs of each scenario
 * @param concurrency runs of one batch in flight at once
 * @param mocking canned tool results for every batch of the suite, as a batch's own {@code
 *     mocking}; null for none
 */
public record SuiteSpec(
    @NotBlank String name,
    @NotBlank String agent,
    String model,
    @NotEmpty List<@NotBlank String> scenarios,
    @Min(1) @Max(10_000) Integer runs,
    @Min(1) @Max(500) Integer concurrency,
    @Valid Thresholds thresholds,
    @Valid Mocking mocking)
    implements Named {

  /** The longest a mocked tool may take to answer, as for a batch's own mocking. */
  public static final int MAX_DELAY_MS = 60_000;

  /**
   * What the suite's runs must reach for it to pass.
   *
   * @param minPassRate the share of runs judged SUCCESS, 0 to 1
   * @param maxErrors runs ending in ERROR (the agent or a provider failing) that are tolerated
   */
  public record Thresholds(
      @DecimalMin("0.0") @DecimalMax("1.0") Double minPassRate, @Min(0) Integer maxErrors) {}

  /**
   * What the agent's tools answer in the suite's runs.
   *
   * @param enabled the agent is told to use mocks; true when absent
   * @param toolOverrides by tool name
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mocking(Boolean enabled, Map<String, @Valid ToolOverride> toolOverrides) {}

  /**
   * What one mocked tool answers: exactly one of {@code output} (any JSON, null included) and
   * {@code error}, after {@code delayMs}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ToolOverride(
      JsonNode output, String error, @Min(0) @Max(MAX_DELAY_MS) Integer delayMs) {}
}
