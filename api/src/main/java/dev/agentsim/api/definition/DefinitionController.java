package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.Named;
import dev.agentsim.store.definition.Stored;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Create, get, list, update and delete for one kind of project object. Secrets are write-only:
 * subclasses redact them from responses and keep the stored ones when an update leaves them out.
 */
public abstract class DefinitionController<T extends Named> {

  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final DefinitionRepository repository;
  private final JsonMapper json;
  private final Kind kind;
  private final Class<T> type;

  protected DefinitionController(
      DefinitionRepository repository, JsonMapper json, Kind kind, Class<T> type) {
    this.repository = repository;
    this.json = json;
    this.kind = kind;
    this.type = type;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> create(
      @RequestParam String projectId, @Valid @RequestBody T spec) {
    check(projectId, spec);
    Stored<T> stored = repository.insert(projectId, kind, spec);
    URI location =
        ServletUriComponentsBuilder.fromCurrentRequestUri()
            .path("/{id}")
            .queryParam("projectId", projectId)
            .buildAndExpand(stored.id())
            .toUri();
    return ResponseEntity.created(location).body(view(stored));
  }

  @GetMapping("/{id}")
  public Map<String, Object> get(@RequestParam String projectId, @PathVariable UUID id) {
    return view(find(projectId, id));
  }

  @GetMapping
  public Map<String, Object> list(
      @RequestParam String projectId,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") int skip) {
    if (limit < 1 || limit > 100) {
      throw new FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and 100");
    }
    if (skip < 0) {
      throw new FieldError("skip", "OUT_OF_RANGE", "skip must not be negative");
    }
    List<Stored<T>> page = page(projectId, limit + 1, skip);
    boolean hasNext = page.size() > limit;
    List<Map<String, Object>> data = page.stream().limit(limit).map(this::view).toList();
    return Map.of(
        "data", data, "pagination", Map.of("limit", limit, "skip", skip, "hasNext", hasNext));
  }

  @PutMapping("/{id}")
  public Map<String, Object> update(
      @RequestParam String projectId, @PathVariable UUID id, @Valid @RequestBody T spec) {
    check(projectId, spec);
    T merged = keepSecrets(find(projectId, id).spec(), spec);
    return view(repository.update(projectId, kind, id, merged).orElseThrow(() -> notFound(id)));
  }

  @DeleteMapping("/{id}")
  public ResponseEntity<Void> delete(@RequestParam String projectId, @PathVariable UUID id) {
    if (!repository.delete(projectId, kind, id)) {
      throw notFound(id);
    }
    return ResponseEntity.noContent().build();
  }

  /**
   * Checks what bean validation cannot, such as references to other objects of the project.
   *
   * @throws FieldError naming the field at fault
   */
  protected void check(String projectId, T spec) {}

  /** The objects a list shows, in order of creation. */
  protected List<Stored<T>> page(String projectId, int limit, int skip) {
    return repository.list(projectId, kind, type, limit, skip);
  }

  /** The spec as returned to a client: secrets removed. */
  protected abstract T redact(T spec);

  /** The spec to store on update: secrets the client left out are kept from the stored one. */
  protected abstract T keepSecrets(T stored, T update);

  private Stored<T> find(String projectId, UUID id) {
    return repository.find(projectId, kind, id, type).orElseThrow(() -> notFound(id));
  }

  private NotFound notFound(UUID id) {
    return new NotFound(
        kind.name().charAt(0) + kind.name().substring(1).toLowerCase() + " " + id + " not found");
  }

  private Map<String, Object> view(Stored<T> stored) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", stored.id());
    view.put("projectId", stored.projectId());
    view.putAll(json.convertValue(redact(stored.spec()), OBJECT));
    view.values().removeIf(Objects::isNull);
    view.put("createdAt", stored.createdAt().toString());
    view.put("updatedAt", stored.updatedAt().toString());
    if (kind == Kind.AGENT) {
      // The version a run tests when it pins none; an older one can be pinned by its revisionId.
      repository
          .latestAgentRevision(stored.id())
          .ifPresent(
              revision -> {
                view.put("revisionId", revision.id());
                view.put("revision", revision.number());
              });
    }
    return view;
  }
}
