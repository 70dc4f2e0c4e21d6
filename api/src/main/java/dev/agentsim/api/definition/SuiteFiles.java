package dev.agentsim.api.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.Named;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.Stored;
import dev.agentsim.store.definition.SuiteSpec;
import dev.agentsim.store.secret.SecretBox;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Suite files: everything a project defines (models, personas, agents, scenarios, suites) in one
 * YAML document, objects naming each other by name. Applying one creates or updates the objects it
 * names, matched by name, and touches nothing else; exporting writes a project back in the same
 * form.
 *
 * <p>Secrets (a model's {@code apiKey}, an agent's header values) belong in the file as {@code
 * ${ENV_VAR}} references, which the client applying the file resolves from its own environment. The
 * service never resolves one from its environment: a file could otherwise have the service send its
 * own settings (its database password, its sealing key) to any URL. A secret that arrives still
 * holding a reference keeps the value stored under that name; with none stored it is refused. So an
 * exported file, whose secrets are all references, applies without changing anything.
 */
@Service
public class SuiteFiles {

  /**
   * The sections of a file, in the order they are applied: each names only objects of the ones
   * before it.
   */
  static final List<String> SECTIONS =
      List.of("models", "personas", "agents", "scenarios", "suites");

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");

  private static final YAMLMapper READER =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLMapper WRITER =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .build();

  /**
   * One object of the file as applied. {@code revision}: an agent's latest, the one its runs test.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Applied(String kind, String name, UUID id, Integer revision) {}

  public record Result(List<Applied> created, List<Applied> updated, List<Applied> unchanged) {}

  private final DefinitionRepository repository;
  private final SecretBox secrets;
  private final Validator validator;
  private final JsonMapper strict;
  private final JsonMapper trees;
  private final TransactionTemplate transaction;
  private final AgentController agents;
  private final ModelController models;
  private final ScenarioController scenarios;

  public SuiteFiles(
      DefinitionRepository repository,
      SecretBox secrets,
      Validator validator,
      JsonMapper json,
      PlatformTransactionManager transactions,
      AgentController agents,
      ModelController models,
      ScenarioController scenarios) {
    this.repository = repository;
    this.secrets = secrets;
    this.validator = validator;
    this.strict = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    this.trees =
        json.rebuild()
            .changeDefaultPropertyInclusion(
                inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();
    this.transaction = new TransactionTemplate(transactions);
    this.agents = agents;
    this.models = models;
    this.scenarios = scenarios;
  }

  /**
   * Applies a file to a project, all of it or, at the first error, nothing.
   *
   * @throws FieldError naming the file path of the problem, e.g. {@code
   *     scenarios[2].successCriteria[0].params.value}
   */
  public Result apply(String projectId, byte[] file) {
    ObjectNode document = read(file);
    return transaction.execute(status -> new Application(projectId).apply(document));
  }

  /** The project as a suite file; secrets as {@code ${...}} references, see {@link #reference}. */
  public String export(String projectId, String schemaUrl) {
    Map<UUID, String> modelNames = new LinkedHashMap<>();
    Map<UUID, String> personaNames = new LinkedHashMap<>();
    ObjectNode file = trees.createObjectNode();
    section(
        file,
        "models",
        all(projectId, Kind.MODEL, ModelSpec.class),
        model -> {
          modelNames.put(model.id(), model.spec().name());
          ModelSpec spec = model.spec();
          return trees.valueToTree(
              spec.apiKey() == null
                  ? spec
                  : spec.withApiKey(reference("model", spec.name(), "api key")));
        });
    section(
        file,
        "personas",
        all(projectId, Kind.PERSONA, PersonaSpec.class),
        persona -> {
          personaNames.put(persona.id(), persona.spec().name());
          return trees.valueToTree(persona.spec());
        });
    section(
        file,
        "agents",
        all(projectId, Kind.AGENT, AgentSpec.class),
        agent -> {
          ObjectNode node = trees.valueToTree(agent.spec());
          JsonNode config = node.get("config");
          if (config instanceof ObjectNode object
              && object.get("headers") instanceof ObjectNode headers) {
            for (String header : List.copyOf(headers.propertyNames())) {
              headers.put(header, reference("agent", agent.spec().name(), header));
            }
          }
          if (config instanceof ObjectNode object && object.has("modelId")) {
            node.set("config", named(object, "modelId", "model", modelNames));
          }
          return node;
        });
    section(
        file,
        "scenarios",
        all(projectId, Kind.SCENARIO, ScenarioSpec.class),
        scenario -> {
          ObjectNode node = trees.valueToTree(scenario.spec());
          return node.has("personaId") ? named(node, "personaId", "persona", personaNames) : node;
        });
    section(
        file,
        "suites",
        all(projectId, Kind.SUITE, SuiteSpec.class),
        suite -> trees.valueToTree(suite.spec()));
    // the modeline editors with a YAML language server read to check and complete the file
    return "# yaml-language-server: $schema=" + schemaUrl + "\n" + WRITER.writeValueAsString(file);
  }

  /**
   * The environment variable a secret is exported as, e.g. {@code ${AGENT_PIZZA_BOT_AUTHORIZATION}}
   * for the {@code Authorization} header of the agent {@code Pizza bot}.
   */
  static String reference(String kind, String name, String secret) {
    String variable =
        (kind + "_" + name + "_" + secret).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    return "${" + variable.replaceAll("^_+|_+$", "") + "}";
  }

  /**
   * The node with the reference {@code idField} in place of the name {@code nameField}, where it
   * stood.
   */
  private ObjectNode named(
      ObjectNode node, String idField, String nameField, Map<UUID, String> names) {
    ObjectNode named = trees.createObjectNode();
    node.properties()
        .forEach(
            property -> {
              if (property.getKey().equals(idField)) {
                named.put(nameField, names.get(UUID.fromString(property.getValue().asString())));
              } else {
                named.set(property.getKey(), property.getValue());
              }
            });
    return named;
  }

  private <T> List<Stored<T>> all(String projectId, Kind kind, Class<T> type) {
    return repository.list(projectId, kind, type, Integer.MAX_VALUE, 0);
  }

  private static <T> void section(
      ObjectNode file, String name, List<Stored<T>> objects, Function<Stored<T>, JsonNode> node) {
    if (!objects.isEmpty()) {
      ArrayNode items = file.putArray(name);
      objects.forEach(object -> items.add(node.apply(object)));
    }
  }

  private static ObjectNode read(byte[] file) {
    JsonNode document;
    try {
      document = READER.readTree(file);
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new FieldError(
          "body", "INVALID_YAML", "body is not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    if (document == null || document.isMissingNode() || document.isNull()) {
      throw new FieldError(
          "body",
          "REQUIRED",
          "body is empty: a suite file has at least one of the sections "
              + String.join(", ", SECTIONS));
    }
    if (!(document instanceof ObjectNode object)) {
      throw new FieldError(
          "body",
          "INVALID_TYPE",
          "body must be a mapping of the sections " + String.join(", ", SECTIONS));
    }
    for (String section : object.propertyNames()) {
      if (!SECTIONS.contains(section)) {
        throw new FieldError(
            section,
            "UNKNOWN_FIELD",
            section + " is not a section of a suite file (" + String.join(", ", SECTIONS) + ")");
      }
    }
    return object;
  }

  /** One application of a file to a project, inside its transaction. */
  private final class Application {

    private final String projectId;
    private final List<Applied> created = new ArrayList<>();
    private final List<Applied> updated = new ArrayList<>();
    private final List<Applied> unchanged = new ArrayList<>();

    Application(String projectId) {
      this.projectId = projectId;
    }

    Result apply(ObjectNode document) {
      repository.lockProject(projectId);
      items(document, "models", this::model);
      items(document, "personas", this::persona);
      items(document, "agents", this::agent);
      items(document, "scenarios", this::scenario);
      items(document, "suites", this::suite);
      return new Result(created, updated, unchanged);
    }

    private interface Item {
      void apply(String path, ObjectNode node);
    }

    private void items(ObjectNode document, String section, Item item) {
      JsonNode items = document.get(section);
      if (items == null || items.isNull()) {
        return;
      }
      if (!items.isArray()) {
        throw new FieldError(section, "INVALID_TYPE", section + " must be a list");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < items.size(); i++) {
        String path = section + "[" + i + "]";
        if (!(items.get(i) instanceof ObjectNode node)) {
          throw new FieldError(path, "INVALID_TYPE", path + " must be a mapping");
        }
        JsonNode name = node.path("name");
        if (name.isString() && !names.add(name.asString())) {
          throw new FieldError(
              path + ".name",
              "DUPLICATE",
              path + ".name: " + name.asString() + " is defined twice in " + section);
        }
        item.apply(path, node);
      }
    }

    private void model(String path, ObjectNode node) {
      ModelSpec given = spec(path, node, ModelSpec.class);
      Optional<Stored<ModelSpec>> existing =
          existing(path, Kind.MODEL, given.name(), ModelSpec.class);
      ModelSpec spec = given;
      if (unresolved(given.apiKey())) {
        String stored =
            existing
                .map(model -> secrets.unseal(model.spec().apiKey()))
                .orElseThrow(() -> unresolvedError(path + ".apiKey", given.apiKey()));
        spec = given.withApiKey(stored);
      }
      ModelSpec checked = spec;
      check(path, () -> models.check(projectId, checked));
      write(Kind.MODEL, spec, existing, stored -> stored.withSecrets(secrets::unseal));
    }

    private void persona(String path, ObjectNode node) {
      PersonaSpec spec = spec(path, node, PersonaSpec.class);
      write(
          Kind.PERSONA,
          spec,
          existing(path, Kind.PERSONA, spec.name(), PersonaSpec.class),
          UnaryOperator.identity());
    }

    private void agent(String path, ObjectNode node) {
      if (AgentSpec.OPENAI_CHAT.equals(node.path("type").asString(null))
          && node.get("config") instanceof ObjectNode config) {
        refuse(path + ".config.modelId", config, "modelId", "config.model");
        JsonNode model = config.remove("model");
        if (model == null) {
          throw new FieldError(
              path + ".config.model",
              "REQUIRED",
              path + ".config.model is required: the name of a model");
        }
        config.put(
            "modelId", id(path + ".config.model", Kind.MODEL, model, ModelSpec.class).toString());
      }
      AgentSpec given = spec(path, node, AgentSpec.class);
      Optional<Stored<AgentSpec>> existing =
          existing(path, Kind.AGENT, given.name(), AgentSpec.class);
      AgentSpec spec =
          withStoredHeaders(
              path, given, existing.map(agent -> agent.spec().withSecrets(secrets::unseal)));
      check(path, () -> agents.check(projectId, spec));
      write(Kind.AGENT, spec, existing, stored -> stored.withSecrets(secrets::unseal));
    }

    /** Header values still holding a reference take the value stored for that header. */
    private AgentSpec withStoredHeaders(String path, AgentSpec spec, Optional<AgentSpec> stored) {
      Map<String, String> headers = AgentController.headers(spec);
      if (headers == null) {
        return spec;
      }
      Map<String, String> storedHeaders = stored.map(AgentController::headers).orElse(Map.of());
      Map<String, String> kept = new LinkedHashMap<>(headers);
      kept.replaceAll(
          (name, value) -> {
            if (!unresolved(value)) {
              return value;
            }
            String storedValue = storedHeaders.get(name);
            if (storedValue == null) {
              throw unresolvedError(path + ".config.headers." + name, value);
            }
            return storedValue;
          });
      return AgentController.withHeaders(spec, kept);
    }

    private void scenario(String path, ObjectNode node) {
      refuse(path + ".personaId", node, "personaId", "persona");
      JsonNode persona = node.path("persona");
      if (persona.isString()) {
        node.remove("persona");
        node.put(
            "personaId",
            id(path + ".persona", Kind.PERSONA, persona, PersonaSpec.class).toString());
      }
      ScenarioSpec spec = spec(path, node, ScenarioSpec.class);
      check(path, () -> scenarios.check(projectId, spec));
      write(
          Kind.SCENARIO,
          spec,
          existing(path, Kind.SCENARIO, spec.name(), ScenarioSpec.class),
          UnaryOperator.identity());
    }

    private void suite(String path, ObjectNode node) {
      SuiteSpec spec = spec(path, node, SuiteSpec.class);
      id(path + ".agent", Kind.AGENT, spec.agent(), AgentSpec.class);
      if (spec.model() != null) {
        id(path + ".model", Kind.MODEL, spec.model(), ModelSpec.class);
      }
      for (int i = 0; i < spec.scenarios().size(); i++) {
        id(
            path + ".scenarios[" + i + "]",
            Kind.SCENARIO,
            spec.scenarios().get(i),
            ScenarioSpec.class);
      }
      if (spec.mocking() != null && spec.mocking().toolOverrides() != null) {
        spec.mocking()
            .toolOverrides()
            .forEach(
                (tool, override) ->
                    checkOverride(path + ".mocking.toolOverrides." + tool, override));
      }
      write(
          Kind.SUITE,
          spec,
          existing(path, Kind.SUITE, spec.name(), SuiteSpec.class),
          UnaryOperator.identity());
    }

    /** The node read as the native API reads its body, then validated as it validates it. */
    private <T> T spec(String path, ObjectNode node, Class<T> type) {
      T spec;
      try {
        spec = strict.convertValue(node, type);
      } catch (JacksonException e) {
        String field = path + location(e);
        if (e instanceof UnrecognizedPropertyException) {
          throw new FieldError(field, "UNKNOWN_FIELD", field + " is not a field of this object");
        }
        throw new FieldError(field, "INVALID_TYPE", field + " has the wrong type or value");
      }
      Optional<ConstraintViolation<T>> violation =
          validator.validate(spec).stream()
              .min(Comparator.comparing(v -> v.getPropertyPath().toString()));
      if (violation.isPresent()) {
        String field = path + location(violation.get().getPropertyPath());
        throw new FieldError(field, "INVALID", field + " " + violation.get().getMessage());
      }
      return spec;
    }

    /** Runs a native endpoint's own checks, naming its fields under the file path. */
    private void check(String path, Runnable check) {
      try {
        check.run();
      } catch (FieldError e) {
        String field = path + "." + e.field();
        String message =
            e.getMessage().startsWith(e.field())
                ? field + e.getMessage().substring(e.field().length())
                : field + ": " + e.getMessage();
        throw new FieldError(field, e.code(), message);
      }
    }

    /** The one object of the project with this name, if any. */
    private <T> Optional<Stored<T>> existing(String path, Kind kind, String name, Class<T> type) {
      List<Stored<T>> found = repository.findByName(projectId, kind, name, type);
      if (found.size() > 1) {
        throw new FieldError(
            path + ".name",
            "AMBIGUOUS",
            path
                + ".name: "
                + found.size()
                + " "
                + noun(kind)
                + "s of the project are named "
                + name
                + ", and a file names objects by name: rename or delete all but one");
      }
      return found.stream().findFirst();
    }

    private <T> UUID id(String field, Kind kind, JsonNode name, Class<T> type) {
      if (!name.isString()) {
        throw new FieldError(field, "INVALID_TYPE", field + " must be the name of a " + noun(kind));
      }
      return id(field, kind, name.asString(), type);
    }

    private <T> UUID id(String field, Kind kind, String name, Class<T> type) {
      List<Stored<T>> found = repository.findByName(projectId, kind, name, type);
      if (found.isEmpty()) {
        throw new FieldError(
            field,
            "NOT_FOUND",
            field + ": no " + noun(kind) + " named " + name + " in this file or the project");
      }
      if (found.size() > 1) {
        throw new FieldError(
            field,
            "AMBIGUOUS",
            field + ": " + found.size() + " " + noun(kind) + "s of the project are named " + name);
      }
      return found.get(0).id();
    }

    /**
     * Creates the object, or updates it when it differs from the stored one (an agent's update adds
     * a revision), compared with its secrets unsealed.
     */
    private <T extends Named> void write(
        Kind kind, T spec, Optional<Stored<T>> existing, UnaryOperator<T> unsealed) {
      if (existing.isEmpty()) {
        created.add(applied(kind, repository.insert(projectId, kind, spec).id(), spec.name()));
        return;
      }
      UUID id = existing.get().id();
      if (trees
          .valueToTree(unsealed.apply(existing.get().spec()))
          .equals(trees.valueToTree(spec))) {
        unchanged.add(applied(kind, id, spec.name()));
      } else {
        repository.update(projectId, kind, id, spec);
        updated.add(applied(kind, id, spec.name()));
      }
    }

    private Applied applied(Kind kind, UUID id, String name) {
      Integer revision =
          kind == Kind.AGENT
              ? repository.latestAgentRevision(id).map(r -> r.number()).orElse(null)
              : null;
      return new Applied(noun(kind), name, id, revision);
    }
  }

  /** What the native batch API checks of a batch's own mocking, which the suite's is sent as. */
  private static void checkOverride(String field, SuiteSpec.ToolOverride override) {
    if (override == null) {
      throw new FieldError(
          field, "INVALID_TYPE", field + " must be a mapping with output or error");
    }
    if ((override.output() == null) == (override.error() == null)) {
      throw new FieldError(
          field, "INVALID_VALUE", field + " must have exactly one of output and error");
    }
    if (override.error() != null && override.error().isBlank()) {
      throw new FieldError(field + ".error", "INVALID_VALUE", field + ".error must not be blank");
    }
  }

  private static void refuse(String field, ObjectNode node, String name, String instead) {
    if (node.has(name)) {
      throw new FieldError(
          field,
          "UNKNOWN_FIELD",
          field
              + " is not a field of a suite file, which names objects: give "
              + instead
              + " the name instead");
    }
  }

  private static boolean unresolved(String secret) {
    return secret != null && REFERENCE.matcher(secret).find();
  }

  private static FieldError unresolvedError(String field, String value) {
    return new FieldError(
        field,
        "UNRESOLVED_REFERENCE",
        field
            + " holds the reference "
            + value
            + ", which the client applying the file resolves from its environment (the service never reads its own), "
            + "and no value is stored for it yet");
  }

  private static String noun(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static String location(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        path.append('.').append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** A validation path as a file path: {@code successCriteria[0].type}, {@code scenarios[1]}. */
  private static String location(Path violation) {
    StringBuilder path = new StringBuilder();
    for (Path.Node node : violation) {
      if (node.getIndex() != null) {
        path.append('[').append(node.getIndex()).append(']');
      } else if (node.getKey() != null) {
        path.append('.').append(node.getKey());
      }
      if (node.getName() != null && !node.getName().startsWith("<")) {
        path.append('.').append(node.getName());
      }
    }
    return path.toString();
  }
}
