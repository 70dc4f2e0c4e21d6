package dev.agentsim.store.definition;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/**
 * Which scenarios run against which agent, how often, and what result passes: the unit a test
 * command runs and gates a build on. It names the other objects of its project, as a suite file does.
 *
 * @param model the simulated user's and the judge's model; none for scripted scenarios without judged criteria
 * @param runs runs of each scenario
 * @param concurrency runs of one batch in flight at once
 */
public record SuiteSpec(
    @NotBlank String name,
    @NotBlank String agent,
    String model,
    @NotEmpty List<@NotBlank String> scenarios,
    @Min(1) @Max(10_000) Integer runs,
    @Min(1) @Max(500) Integer concurrency,
    @Valid Thresholds thresholds) implements Named {

  /**
   * What the suite's runs must reach for it to pass.
   *
   * @param minPassRate the share of runs judged SUCCESS, 0 to 1
   * @param maxErrors runs ending in ERROR (the agent or a provider failing) that are tolerated
   */
  public record Thresholds(
      @DecimalMin("0.0") @DecimalMax("1.0") Double minPassRate,
      @Min(0) Integer maxErrors) {}
}
