package dev.agentsim.api.auth;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.api.openapi.Pagination;
import dev.agentsim.store.apikey.ApiKey;
import dev.agentsim.store.apikey.ApiKeyRepository;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/**
 * API keys of a project ({@code projectId}), or of every project without it. The secret is in the
 * answer to the creation only; a list shows what each key may do, never its secret. Creating and
 * revoking need the {@code admin} scope, and a key for every project a credential for every project
 * (see {@link ProjectAccess}).
 */
@RestController
@RequestMapping(ProjectAccess.API_KEYS_PATH)
@Tag(name = "API keys", description = "Credentials of a project, or of every project")
public class ApiKeyController {

  private static final Set<Scope> DEFAULT_SCOPES = EnumSet.of(Scope.READ, Scope.WRITE);

  private final ApiKeys keys;
  private final ApiKeyRepository repository;

  public ApiKeyController(ApiKeys keys, ApiKeyRepository repository) {
    this.keys = keys;
    this.repository = repository;
  }

  /**
   * @param scopes default {@code read} and {@code write}
   * @param expiresAt absent: the key does not expire
   */
  record NewKey(@NotBlank @Size(max = 200) String name, List<String> scopes, Instant expiresAt) {}

  /** A key as the API document shows it; {@code key} only in the answer to its creation. */
  @Schema(name = "ApiKey")
  record KeyView(
      UUID id,
      @Schema(description = "null: every project") String projectId,
      String name,
      List<String> scopes,
      String expiresAt,
      String createdAt,
      @Schema(description = "The secret: in the answer to the creation only") String key) {}

  record KeyPage(List<KeyView> data, Pagination pagination) {}

  @Operation(
      summary = "Create an API key",
      description =
          "Needs the admin scope; a key for every project (no "
              + "projectId) needs a credential for every project")
  @ApiResponse(
      responseCode = "201",
      description = "The key with its secret, which is never shown again",
      content = @Content(schema = @Schema(implementation = KeyView.class)))
  @PostMapping
  public ResponseEntity<Map<String, Object>> create(
      @RequestParam(required = false) String projectId, @Valid @RequestBody NewKey request) {
    if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
      throw new FieldError("expiresAt", "IN_THE_PAST", "expiresAt must be in the future");
    }
    ApiKeys.Created created =
        keys.create(
            projectId, request.name().strip(), scopes(request.scopes()), request.expiresAt());
    Map<String, Object> view = view(created.key());
    view.put("key", created.secret());
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{id}")
            .queryParamIfPresent("projectId", Optional.ofNullable(projectId))
            .buildAndExpand(created.key().id())
            .toUri();
    return ResponseEntity.created(location).body(view);
  }

  @Operation(summary = "List API keys", description = "What each key may do, never its secret")
  @ApiResponse(
      responseCode = "200",
      description = "One page of keys",
      content = @Content(schema = @Schema(implementation = KeyPage.class)))
  @GetMapping
  public Map<String, Object> list(
      @RequestParam(required = false) String projectId,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    if (limit < 1 || limit > 100) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and 100");
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
    List<ApiKey> page = repository.list(projectId, limit + 1, skip);
    return Map.of(
        "data",
        page.stream().limit(limit).map(ApiKeyController::view).toList(),
        "pagination",
        Map.of("limit", limit, "skip", skip, "hasNext", page.size() > limit));
  }

  /** Revokes the key: from now on it gets 401. */
  @Operation(summary = "Revoke an API key", description = "From now on it gets 401")
  @ApiResponse(responseCode = "204", description = "Revoked")
  @DeleteMapping("/{id}")
  public ResponseEntity<Void> revoke(
      @RequestParam(required = false) String projectId, @PathVariable UUID id) {
    if (!repository.revoke(projectId, id)) {
      throw new NotFound("API key " + id + " not found");
    }
    return ResponseEntity.noContent().build();
  }

  private static Set<Scope> scopes(List<String> names) {
    if (names == null) {
      return DEFAULT_SCOPES;
    }
    if (names.isEmpty()) {
      throw new FieldError(
          "scopes", "REQUIRED", "scopes must name at least one of read, write, admin");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (int i = 0; i < names.size(); i++) {
      int index = i;
      scopes.add(
          Scope.of(names.get(i))
              .orElseThrow(
                  () ->
                      new FieldError(
                          "scopes[" + index + "]",
                          "INVALID",
                          "scopes[" + index + "] must be read, write or admin")));
    }
    return scopes;
  }

  /** A key as listed: {@code projectId} null means every project. */
  private static Map<String, Object> view(ApiKey key) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", key.id());
    view.put("projectId", key.projectId());
    view.put("name", key.name());
    view.put("scopes", key.scopes());
    view.put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString());
    view.put("createdAt", key.createdAt().toString());
    return view;
  }
}
