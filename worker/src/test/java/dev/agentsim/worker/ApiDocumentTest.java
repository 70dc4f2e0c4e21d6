package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document as a reader uses it: every operation says what it does, what it takes and
 * what it answers, errors included, in the error body of its dialect; and those bodies are the ones
 * the service really sends.
 */
class ApiDocumentTest extends EmbeddedAppTest {

  /** The operations that answer 201 with what they made. */
  private static final Set<String> CREATING =
      Set.of(
          "post /v1/agents",
          "post /v1/models",
          "post /v1/personas",
          "post /v1/scenarios",
          "post /v1/batches",
          "post /v1/runs/{runId}/fork",
          "post /v1/schedules",
          "post /v1/webhooks",
          "post /v1/api-keys",
          "post /simulations/{simulationReference}/schedule",
          "post /v1/simulation/runs");

  private Map<String, Object> document;
  private Map<String, Object> schemas;

  @BeforeEach
  void fetchDocument() {
    Http.Response response = http.get("/v3/api-docs");
    assertThat(response.status()).isEqualTo(200);
    document = response.body();
    schemas = cast(cast(document.get("components")).get("schemas"));
  }

  @Test
  void theDocumentNamesTheServiceAndOnlyItsApis() {
    Map<String, Object> info = cast(document.get("info"));
    assertThat(info.get("title")).isEqualTo("AgentSim");
    assertThat((String) info.get("version")).isNotBlank();
    assertThat((String) info.get("description")).contains("Cognigy", "Feather", "Interactly");
    assertThat(cast(document.get("paths")).keySet())
        .allMatch(
            path ->
                path.startsWith("/v1/")
                    || path.startsWith("/simulations/")
                    || path.startsWith("/workflows/"));
    assertThat(cast(cast(document.get("components")).get("securitySchemes")))
        .containsKeys("apiKey", "bearer");
  }

  @Test
  void everyOperationSaysWhatItDoesTakesAnswersAndHowItFails() {
    List<String> problems = new ArrayList<>();
    cast(document.get("paths"))
        .forEach(
            (path, item) ->
                cast(item)
                    .forEach(
                        (method, spec) -> {
                          Map<String, Object> operation = cast(spec);
                          String name = method + " " + path;
                          if (!(operation.get("summary") instanceof String summary)
                              || summary.isBlank()) {
                            problems.add(name + ": no summary");
                          }
                          List<Object> tags = list(operation.get("tags"));
                          if (tags.isEmpty()
                              || tags.stream()
                                  .anyMatch(tag -> tag.toString().endsWith("-controller"))) {
                            problems.add(name + ": tags " + tags);
                          }
                          if (operation.containsKey("requestBody")) {
                            cast(cast(operation.get("requestBody")).get("content"))
                                .forEach(
                                    (mediaType, content) -> {
                                      if (!typed(cast(cast(content).get("schema")))) {
                                        problems.add(name + ": untyped request body " + mediaType);
                                      }
                                    });
                          }
                          Map<String, Object> responses = cast(operation.get("responses"));
                          List<String> successes =
                              responses.keySet().stream()
                                  .filter(code -> code.startsWith("2"))
                                  .toList();
                          if (successes.size() != 1) {
                            problems.add(name + ": successes " + successes);
                          }
                          for (String code : successes) {
                            Map<String, Object> content =
                                cast(cast(responses.get(code)).get("content"));
                            if (code.equals("204") != (content == null)) {
                              problems.add(name + ": " + code + " with content " + content);
                            } else if (content != null) {
                              content.forEach(
                                  (mediaType, body) -> {
                                    if (!typed(cast(cast(body).get("schema")))) {
                                      problems.add(name + ": untyped " + code + " " + mediaType);
                                    }
                                  });
                            }
                          }
                          if (CREATING.contains(name) && !successes.equals(List.of("201"))) {
                            problems.add(name + ": creates, but documents " + successes);
                          }
                          boolean takesInput =
                              operation.containsKey("requestBody")
                                  || !list(operation.get("parameters")).isEmpty();
                          boolean hasPathId =
                              list(operation.get("parameters")).stream()
                                  .anyMatch(p -> "path".equals(cast(p).get("in")));
                          String badInput =
                              path.startsWith("/v1/simulation/") || path.startsWith("/workflows/")
                                  ? "422"
                                  : "400";
                          List<String> expected = new ArrayList<>();
                          if (!path.startsWith("/v1/schema/")) {
                            expected.addAll(List.of("401", "403"));
                          }
                          if (takesInput) {
                            expected.add(badInput);
                          }
                          if (hasPathId) {
                            expected.add("404");
                          }
                          for (String code : expected) {
                            if (!responses.containsKey(code)) {
                              problems.add(name + ": no " + code);
                            }
                          }
                          responses.forEach(
                              (code, response) -> {
                                if (code.startsWith("4") || code.startsWith("5")) {
                                  String problem = errorBodyProblem(path, code, cast(response));
                                  if (problem != null) {
                                    problems.add(name + ": " + code + " " + problem);
                                  }
                                }
                              });
                        }));
    assertThat(problems).isEmpty();
  }

  @Test
  void theDialectsStartBodiesAreDescribedFieldByFieldWithAnExample() {
    assertThat(bodyProperties("/simulations/{simulationReference}/schedule"))
        .contains(
            "projectReference",
            "name",
            "numberOfExecutions",
            "runConfig",
            "concurrency",
            "dynamicVariables");
    assertThat(bodyProperties("/v1/simulation/runs"))
        .contains(
            "agent_id",
            "agent_revision_id",
            "persona_id",
            "scenario_id",
            "channel",
            "tool_overrides",
            "model_id");
    assertThat(bodyProperties("/workflows/v1/simulations"))
        .contains(
            "logical_id",
            "description",
            "selected_workflow",
            "counter_workflow",
            "max_events",
            "number_of_simulations",
            "stop_on_failure",
            "timeout_seconds",
            "model_id");
    for (String path :
        List.of(
            "/simulations/{simulationReference}/schedule",
            "/v1/simulation/runs",
            "/workflows/v1/simulations")) {
      assertThat(cast(cast(bodyContent(path)).get("examples"))).as(path).isNotEmpty();
    }
  }

  /**
   * A real error of each dialect has only the fields its documented body has, and all it requires.
   */
  @Test
  void theDocumentedErrorBodiesAreTheOnesSent() {
    String unknown = "00000000-0000-4000-8000-0000000000ff";
    Map<String, String> requests =
        Map.of(
            "/v1/batches/{batchId}",
            "/v1/batches/" + unknown + "?projectId=" + PROJECT,
            "/simulations/{simulationReference}/batches/{batchReference}",
            "/simulations/" + unknown + "/batches/" + unknown + "?projectId=" + PROJECT,
            "/v1/simulation/runs/{runId}",
            "/v1/simulation/runs/" + unknown,
            "/workflows/v1/simulations/{simulationId}",
            "/workflows/v1/simulations/" + unknown);
    requests.forEach(
        (path, target) -> {
          Http.Response response = http.get(target);
          assertThat(response.status()).as(target).isEqualTo(404);
          Map<String, Object> schema = resolve(errorSchema(path, "404"));
          assertThat(cast(schema.get("properties")).keySet())
              .as(path)
              .containsAll(response.body().keySet());
          assertThat(response.body().keySet())
              .as(path)
              .containsAll(strings(schema.get("required")));
        });
    Map<String, Object> invalid = http.get("/v1/batches?projectId=" + PROJECT + "&limit=0").body();
    assertThat(cast(resolve(errorSchema("/v1/batches", "400")).get("properties")).keySet())
        .containsAll(invalid.keySet());
  }

  private String errorBodyProblem(String path, String code, Map<String, Object> response) {
    Map<String, Object> content = cast(response.get("content"));
    if (content == null) {
      return "without a body";
    }
    String mediaType =
        path.startsWith("/v1/") && !path.startsWith("/v1/simulation/")
            ? "application/problem+json"
            : "application/json";
    if (!content.containsKey(mediaType)) {
      return "not as " + mediaType + ": " + content.keySet();
    }
    Set<String> properties =
        cast(resolve(cast(cast(content.get(mediaType)).get("schema"))).get("properties")).keySet();
    Set<String> expected;
    if (mediaType.equals("application/problem+json")) {
      expected = Set.of("status", "title", "detail", "code", "traceId");
    } else if (path.startsWith("/simulations/")) {
      expected =
          code.equals("400")
              ? Set.of("error", "field", "code", "traceId")
              : Set.of("error", "code", "traceId");
    } else if (path.startsWith("/v1/simulation/")) {
      expected = code.equals("422") ? Set.of("detail") : Set.of("error", "message");
    } else {
      expected = Set.of("detail");
    }
    return properties.containsAll(expected)
        ? null
        : "body " + properties + " lacks some of " + expected;
  }

  private Map<String, Object> errorSchema(String path, String code) {
    Map<String, Object> operation = cast(cast(cast(document.get("paths")).get(path)).get("get"));
    Map<String, Object> content =
        cast(cast(cast(operation.get("responses")).get(code)).get("content"));
    return cast(cast(content.values().iterator().next()).get("schema"));
  }

  private Set<String> bodyProperties(String path) {
    return cast(resolve(cast(bodyContent(path).get("schema"))).get("properties")).keySet();
  }

  private Map<String, Object> bodyContent(String path) {
    Map<String, Object> operation = cast(cast(cast(document.get("paths")).get(path)).get("post"));
    return cast(cast(cast(operation.get("requestBody")).get("content")).get("application/json"));
  }

  /** A schema that says what is in it: a reference, properties, typed items, or a scalar type. */
  private boolean typed(Map<String, Object> schema) {
    if (schema == null) {
      return false;
    }
    if (schema.containsKey("$ref")) {
      // another document's schema, such as JSON Schema's own
      return ((String) schema.get("$ref")).startsWith("https://") || typed(resolve(schema));
    }
    if (schema.containsKey("allOf") || schema.containsKey("oneOf") || schema.containsKey("anyOf")) {
      return true;
    }
    Object type = schema.get("type");
    if ("array".equals(type)) {
      return typed(cast(schema.get("items")));
    }
    if ("object".equals(type) || type == null) {
      return schema.containsKey("properties");
    }
    return true;
  }

  private Map<String, Object> resolve(Map<String, Object> schema) {
    if (!schema.containsKey("$ref")) {
      return schema;
    }
    String ref = (String) schema.get("$ref");
    return resolve(cast(schemas.get(ref.substring(ref.lastIndexOf('/') + 1))));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  private static List<String> strings(Object value) {
    return list(value).stream().map(String::valueOf).toList();
  }
}
