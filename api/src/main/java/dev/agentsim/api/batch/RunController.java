package dev.agentsim.api.batch;

import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.run.Run;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One run of any of the project's batches, with its transcript. */
@RestController
public class RunController {

  private final Batches batches;

  public RunController(Batches batches) {
    this.batches = batches;
  }

  @GetMapping("/v1/runs/{runId}")
  public RunResponse get(@RequestParam String projectId, @PathVariable UUID runId) {
    return batches.run(projectId, runId)
        .map(found -> RunResponse.of(found.batch(), found.run().run(), found.run().usage(), true))
        .orElseThrow(() -> new NotFound("Run " + runId + " not found"));
  }
}
