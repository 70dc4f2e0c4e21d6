package dev.agentsim.api.viewer;

import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.settings.SimulatorSettings;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The results viewer: plain pages of a project's batches, a batch, a run and two batches compared,
 * and the forms that stop and rejudge a batch.
 */
@Controller
public class ViewerController {

  private final ViewerPages pages;
  private final Batches batches;
  private final boolean signedIn;

  ViewerController(ViewerPages pages, Batches batches, SimulatorSettings settings) {
    this.pages = pages;
    this.batches = batches;
    this.signedIn = settings.auth().required();
  }

  /** Whether the pages offer to sign out: only with authentication required is anyone signed in. */
  @ModelAttribute("signOut")
  boolean signOut() {
    return signedIn;
  }

  /** The project's batches, newest first; without a project, the form that picks one. */
  @GetMapping("/")
  public String batches(
      @RequestParam(required = false) String projectId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String scenarioId,
      @RequestParam(required = false) String agentId,
      @RequestParam(required = false) String label,
      Model model) {
    if (projectId == null || projectId.isBlank()) {
      return "viewer/projects";
    }
    model.addAttribute(
        "page",
        pages.batches(
            projectId.strip(), new ViewerPages.BatchFilter(status, scenarioId, agentId, label)));
    return "viewer/batches";
  }

  @GetMapping("/ui/batches/{batchId}")
  public String batch(
      @RequestParam String projectId,
      @PathVariable UUID batchId,
      @RequestParam(required = false) String verdict,
      @RequestParam(required = false) String termination,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String direction,
      Model model) {
    model.addAttribute(
        "page",
        pages.batch(
            projectId, batchId, new ViewerPages.RunFilter(verdict, termination, sort, direction)));
    return "viewer/batch";
  }

  @GetMapping("/ui/runs/{runId}")
  public String run(@RequestParam String projectId, @PathVariable UUID runId, Model model) {
    model.addAttribute("page", pages.run(projectId, runId));
    return "viewer/run";
  }

  @GetMapping("/ui/compare")
  public String compare(
      @RequestParam String projectId,
      @RequestParam(required = false) String a,
      @RequestParam(required = false) String b,
      Model model) {
    model.addAttribute("page", pages.compare(projectId, a, b));
    return "viewer/compare";
  }

  @PostMapping("/ui/batches/{batchId}/stop")
  public String stop(@RequestParam String projectId, @PathVariable UUID batchId) {
    batches.stop(pages.find(projectId, batchId), "stopped in the results viewer");
    return backTo(projectId, batchId);
  }

  @PostMapping("/ui/batches/{batchId}/rejudge")
  public String rejudge(@RequestParam String projectId, @PathVariable UUID batchId) {
    batches.rejudge(pages.find(projectId, batchId));
    return backTo(projectId, batchId);
  }

  /** After a form, the batch page by GET, so that reloading it repeats nothing. */
  private static String backTo(String projectId, UUID batchId) {
    if (projectId.isBlank()) {
      throw new FieldError("projectId", "REQUIRED", "projectId is required");
    }
    return "redirect:"
        + UriComponentsBuilder.fromPath("/ui/batches/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(batchId)
            .encode()
            .toUriString();
  }
}
