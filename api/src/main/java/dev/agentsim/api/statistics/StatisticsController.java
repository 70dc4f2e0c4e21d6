package dev.agentsim.api.statistics;

import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Comparing two batches, and a scenario's flakiness across batches. */
@RestController
@Tag(name = "Statistics", description = "Comparing batches, and a scenario's flakiness")
public class StatisticsController {

  private final Batches batches;
  private final DefinitionRepository definitions;

  public StatisticsController(Batches batches, DefinitionRepository definitions) {
    this.batches = batches;
    this.definitions = definitions;
  }

  /**
   * Batch {@code b} against batch {@code a}, both of the project: whether their pass rates differ,
   * overall and per criterion, and the runs whose verdicts differ.
   */
  @Operation(
      summary = "Compare two batches",
      description =
          "Whether batch b's pass rate differs from batch a's, "
              + "overall and per criterion, and the runs whose verdicts differ")
  @GetMapping("/v1/batches/compare")
  public Comparison compare(
      @RequestParam String projectId, @RequestParam UUID a, @RequestParam UUID b) {
    if (a.equals(b)) {
      throw new FieldError("b", "INVALID_VALUE", "b must be another batch than a");
    }
    Batch batchA = batch(projectId, a);
    Batch batchB = batch(projectId, b);
    return Comparison.of(batchA, batches.verdicts(batchA), batchB, batches.verdicts(batchB));
  }

  /** Whether the scenario's verdicts disagree across runs of the same agent revision. */
  @Operation(
      summary = "A scenario's flakiness",
      description = "Whether its verdicts disagree across runs of the " + "same agent revision")
  @GetMapping("/v1/scenarios/{scenarioId}/flakiness")
  public Flakiness flakiness(@RequestParam String projectId, @PathVariable UUID scenarioId) {
    if (definitions.find(projectId, Kind.SCENARIO, scenarioId, ScenarioSpec.class).isEmpty()) {
      throw new NotFound("Scenario " + scenarioId + " not found");
    }
    return Flakiness.of(scenarioId, batches.verdictsByAgentRevision(projectId, scenarioId));
  }

  private Batch batch(String projectId, UUID batchId) {
    return batches
        .find(projectId, batchId)
        .orElseThrow(() -> new NotFound("Batch " + batchId + " not found"));
  }
}
