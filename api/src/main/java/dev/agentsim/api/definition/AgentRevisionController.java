package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.openapi.Pagination;
import dev.agentsim.store.definition.AgentRevision;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An agent's revisions, newest first: which ones there are to pin. Their contents hold the agent's
 * secrets and are not shown; the agent itself shows its latest.
 */
@RestController
@Tag(name = "Agents")
public class AgentRevisionController {

  private final DefinitionRepository repository;

  public AgentRevisionController(DefinitionRepository repository) {
    this.repository = repository;
  }

  @Schema(name = "AgentRevision")
  record RevisionView(UUID id, UUID agentId, int revision, String createdAt) {}

  /** The list's body as the API document shows it. */
  record RevisionPage(List<RevisionView> data, Pagination pagination) {}

  @Operation(
      summary = "List an agent's revisions",
      description =
          "Newest first: which there are to pin. Their "
              + "contents hold the agent's secrets and are not shown.")
  @ApiResponse(
      responseCode = "200",
      description = "One page of revisions",
      content = @Content(schema = @Schema(implementation = RevisionPage.class)))
  @GetMapping("/v1/agents/{agentId}/revisions")
  public Map<String, Object> list(
      @RequestParam String projectId,
      @PathVariable UUID agentId,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    if (limit < 1 || limit > 100) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and 100");
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
    if (repository.find(projectId, Kind.AGENT, agentId, AgentSpec.class).isEmpty()) {
      throw new NotFound("Agent " + agentId + " not found");
    }
    List<AgentRevision> page = repository.agentRevisions(agentId, limit + 1, skip);
    List<RevisionView> data =
        page.stream()
            .limit(limit)
            .map(r -> new RevisionView(r.id(), r.agentId(), r.number(), r.createdAt().toString()))
            .toList();
    return Map.of(
        "data",
        data,
        "pagination",
        Map.of("limit", limit, "skip", skip, "hasNext", page.size() > limit));
  }
}
