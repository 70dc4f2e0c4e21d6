package dev.agentsim.api.batch;

import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.llm.Usage;
import dev.agentsim.store.run.Run;
import dev.agentsim.store.run.RunRepository;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One run of any of the project's batches, with its transcript. */
@RestController
public class RunController {

  private final RunRepository runs;
  private final BatchRepository batches;
  private final LlmCallRepository llmCalls;

  public RunController(RunRepository runs, BatchRepository batches, LlmCallRepository llmCalls) {
    this.runs = runs;
    this.batches = batches;
    this.llmCalls = llmCalls;
  }

  @GetMapping("/v1/runs/{runId}")
  public RunResponse get(@RequestParam String projectId, @PathVariable UUID runId) {
    Run run = runs.find(projectId, runId).orElseThrow(() -> new NotFound("Run " + runId + " not found"));
    return batches.find(projectId, run.batchId())
        .map(batch -> RunResponse.of(batch, run,
            llmCalls.usageOfRuns(List.of(run.id())).getOrDefault(run.id(), Usage.NONE), true))
        .orElseThrow(() -> new NotFound("Run " + runId + " not found"));
  }
}
