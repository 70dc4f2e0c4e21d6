package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed requests derived from the service's own OpenAPI document: each operation called with
 * one thing wrong (a wrong type, a missing or unknown field, a huge or NUL string, a bad id, an
 * extreme paging value, a bad header, content type, method or path). None may get a 5xx, and every
 * error must come in the documented body of its path's dialect with the request's trace id. The
 * randomness is seeded: {@code -Dfuzz.seed=<seed>} replays a run.
 */
@TestPropertySource(properties = "simulator.api.body-read-timeout=1s")
class MalformedRequestsFuzzTest extends EmbeddedAppTest {

  private static final int REQUESTS = 2_400;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final List<String> BAD_VALUES =
      List.of(
          "",
          "%20",
          "not-a-uuid",
          "%00",
          "a%00b",
          "%zz",
          "%",
          "%C0%AF",
          "..%2F..%2Fetc",
          "-1",
          "0",
          "2147483648",
          "99999999999999999999",
          "-9223372036854775809",
          "1e309",
          "NaN",
          "null",
          "%5B%5D",
          "%7B%7D",
          "a".repeat(5_000),
          "%C3%BC%E6%BC%A2%F0%9F%98%80",
          "sort%3Aup",
          "createdAt%3Asideways",
          "status%3AMAYBE",
          "00000000-0000-0000-0000-000000000000",
          "6f1c1bde-0000-4000-8000-00000000000g");
  private static final List<Object> BAD_JSON_VALUES =
      List.of(
          "",
          "a\u0000b",
          "\ud800",
          "x".repeat(150_000),
          -1,
          0,
          Long.MIN_VALUE,
          new java.math.BigInteger("123456789012345678901234567890"),
          1e300,
          -1e300,
          0.5,
          true,
          List.of(),
          List.of(List.of()),
          Map.of(),
          Map.of("unexpected", 1),
          "not-a-uuid",
          "😀");
  private static final List<String> CONTENT_TYPES =
      List.of(
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "garbage",
          "application/",
          "application/json; charset=bogus",
          "application/json; charset=UTF-16",
          "*/*",
          "image/png");
  private static final List<String> ACCEPTS =
      List.of(
          "text/csv",
          "text/html",
          "garbage/",
          "application/xml",
          "image/png",
          "*/*;q=abc",
          "application/json;q=0.5, text/plain");
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

  record Operation(
      String method,
      String path,
      List<Map<String, Object>> parameters,
      Map<String, Object> bodySchema) {}

  record Request(
      String method, String target, Map<String, String> headers, byte[] body, String mutation) {

    @Override
    public String toString() {
      return method
          + " "
          + (target.length() > 200 ? target.substring(0, 200) + "..." : target)
          + " "
          + headers.keySet()
          + " body "
          + (body == null ? "none" : body.length + " bytes")
          + " ("
          + mutation
          + ")";
    }
  }

  private Random random;
  private Map<String, Object> components;
  private Map<String, String> ids;

  @Test
  void noMalformedRequestGetsA5xxAndEveryErrorComesInItsDialectsFormat() throws Exception {
    long seed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
    System.out.println(
        "MalformedRequestsFuzzTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    random = new Random(seed);
    ids = existingObjects();
    Map<String, Object> document = http.get("/v3/api-docs").body();
    components = cast(cast(document.get("components")).get("schemas"));
    List<Operation> operations = operations(document);
    Map<Integer, Integer> statuses = new TreeMap<>();
    assertThat(operations).hasSizeGreaterThan(30);

    // Drawn in order from the seed, sent a few at a time: those that wait out the body deadline
    // overlap.
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      requests.add(malformed(operations.get(random.nextInt(operations.size()))));
    }
    ExecutorService senders = Executors.newFixedThreadPool(8);
    List<Future<RawHttp.Response>> responses = new ArrayList<>();
    try {
      for (Request request : requests) {
        responses.add(
            senders.submit(
                () ->
                    RawHttp.send(
                        port,
                        request.method(),
                        request.target(),
                        request.headers(),
                        request.body())));
      }
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        Request request = requests.get(i);
        RawHttp.Response response = responses.get(i).get();
        statuses.merge(response.status(), 1, Integer::sum);
        String problem = problem(request, response);
        if (problem != null && failures.size() < 20) {
          failures.add(
              "#"
                  + i
                  + " "
                  + request
                  + " answered "
                  + response.status()
                  + " "
                  + response.headers()
                  + " "
                  + abbreviate(response.body())
                  + ": "
                  + problem);
        }
      }
      assertThat(failures).as("seed %d", seed).isEmpty();
    } finally {
      senders.shutdownNow();
    }
    System.out.println("MalformedRequestsFuzzTest answers by status: " + statuses);
    assertThat(statuses).containsKeys(400, 404, 405, 406, 413, 415, 422);
  }

  /**
   * An agent, a model, a persona, a scenario and a batch of it with its run, for paths that name
   * them.
   */
  private Map<String, String> existingObjects() {
    Map<String, String> existing = new HashMap<>();
    existing.put("agent", createAgent("/agent"));
    existing.put("model", createModel());
    existing.put("scenario", createScenario(Map.of("maxTurns", 1)));
    existing.put(
        "persona",
        (String)
            http.post("/v1/personas?projectId=" + PROJECT, Map.of("name", "Sam")).body().get("id"));
    Http.Response batch =
        schedule(
            existing.get("scenario"),
            scheduleBody(existing.get("agent"), existing.get("model"), 1, Map.of()));
    existing.put("batch", (String) batch.body().get("id"));
    awaitBatch(existing.get("scenario"), existing.get("batch"), "completed");
    existing.put(
        "run",
        (String)
            http.get(
                    "/simulations/"
                        + existing.get("scenario")
                        + "/batches/"
                        + existing.get("batch")
                        + "/runs?projectId="
                        + PROJECT)
                .list("data")
                .get(0)
                .get("id"));
    return existing;
  }

  private static List<Operation> operations(Map<String, Object> document) {
    List<Operation> operations = new ArrayList<>();
    cast(document.get("paths"))
        .forEach(
            (path, item) ->
                cast(item)
                    .forEach(
                        (method, spec) -> {
                          Map<String, Object> operation = cast(spec);
                          List<Map<String, Object>> parameters =
                              operation.containsKey("parameters")
                                  ? castList(operation.get("parameters"))
                                  : List.of();
                          Map<String, Object> body =
                              operation.containsKey("requestBody")
                                  ? cast(
                                      cast(cast(cast(operation.get("requestBody")).get("content"))
                                              .get("application/json"))
                                          .get("schema"))
                                  : null;
                          operations.add(
                              new Operation(method.toUpperCase(), path, parameters, body));
                        }));
    return operations;
  }

  /** A valid request for the operation, then one thing made wrong. */
  private Request malformed(Operation operation) {
    Map<String, String> pathValues = new LinkedHashMap<>();
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map<String, Object> parameter : operation.parameters()) {
      String name = (String) parameter.get("name");
      switch ((String) parameter.get("in")) {
        case "path" -> pathValues.put(name, idFor(operation.path(), name));
        case "query" -> {
          if (Boolean.TRUE.equals(parameter.get("required")) || random.nextBoolean()) {
            query.put(name, validQueryValue(name));
          }
        }
        case "header" -> headers.put(name, PROJECT);
        default -> {}
      }
    }
    Object body = operation.bodySchema() == null ? null : validBody(operation);
    String method = operation.method();
    String mutation;
    byte[] bytes = null;
    String path = operation.path();
    int choice = random.nextInt(100);
    if (choice < 30 && body != null) {
      mutation = mutateBody(body);
    } else if (choice < 45 && !pathValues.isEmpty()) {
      String name = pick(new ArrayList<>(pathValues.keySet()));
      String value = pick(BAD_VALUES);
      pathValues.put(name, value);
      mutation = "path " + name + "=" + abbreviate(value);
    } else if (choice < 60 && !query.isEmpty()) {
      String name = pick(new ArrayList<>(query.keySet()));
      if (random.nextInt(4) == 0) {
        query.remove(name);
        mutation = "query " + name + " left out";
      } else {
        String value = pick(BAD_VALUES);
        query.put(name, value);
        mutation = "query " + name + "=" + abbreviate(value);
      }
    } else if (choice < 68) {
      String contentType = pick(CONTENT_TYPES);
      headers.put("Content-Type", contentType);
      bytes = "{\"name\": \"x\"}".getBytes(StandardCharsets.UTF_8);
      mutation = "Content-Type " + contentType;
    } else if (choice < 75) {
      String accept = pick(ACCEPTS);
      headers.put("Accept", accept);
      mutation = "Accept " + accept;
    } else if (choice < 82) {
      List<String> others = new ArrayList<>(METHODS);
      others.remove(method);
      method = pick(others);
      mutation = "method " + method;
    } else if (choice < 88) {
      path =
          pick(
              List.of(
                  path + "/unknown",
                  "/unknown" + path,
                  path.replaceFirst("/[^/]+$", "/%2e%2e"),
                  path + ";jsessionid=x",
                  "/" + path,
                  path.toUpperCase()));
      mutation = "path " + path;
    } else if (choice < 92) {
      String name = pick(List.of("X-Team-Id", "x-organization-id", "X-Filler"));
      headers.put(name, "h".repeat(random.nextBoolean() ? 20_000 : 300));
      mutation = "header " + name + " oversized";
    } else if (choice < 97) {
      headers.put("Content-Type", "application/json");
      bytes =
          pick(List.of(
                  "{",
                  "{\"a\":",
                  "[",
                  "null",
                  "[]",
                  "\"text\"",
                  "123",
                  "{\"a\":1}}",
                  "{'a': 1}",
                  "{\"a\": 01}",
                  "[".repeat(3_000),
                  "{\"a\":\"\\u00\"}",
                  "\u0000"))
              .getBytes(StandardCharsets.UTF_8);
      mutation = "malformed JSON " + abbreviate(new String(bytes, StandardCharsets.UTF_8));
    } else if (choice < 99) {
      headers.put("Content-Type", "application/json");
      bytes = new byte[6_000_000];
      java.util.Arrays.fill(bytes, (byte) ' ');
      mutation = "6 MB body";
    } else {
      headers.put("Content-Type", "application/json");
      headers.put("Content-Length", "1000");
      bytes = "{\"name\": ".getBytes(StandardCharsets.UTF_8);
      mutation = "body shorter than its Content-Length";
    }
    if (bytes == null && body != null) {
      headers.putIfAbsent("Content-Type", "application/json");
      bytes = JSON.writeValueAsBytes(body);
    }
    for (Map.Entry<String, String> value : pathValues.entrySet()) {
      path = path.replace("{" + value.getKey() + "}", value.getValue());
    }
    StringBuilder target = new StringBuilder(path);
    query.forEach(
        (name, value) ->
            target
                .append(target.indexOf("?") < 0 ? '?' : '&')
                .append(name)
                .append('=')
                .append(value));
    return new Request(method, target.toString(), headers, bytes, mutation);
  }

  private String idFor(String path, String name) {
    if (name.equals("simulationReference")) {
      return ids.get("scenario");
    }
    if (name.equals("runReference")) {
      return ids.get("run");
    }
    if (name.equals("agentId")) {
      return ids.get("agent");
    }
    if (name.equals("id")) {
      for (String kind : List.of("agent", "model", "scenario", "persona")) {
        if (path.startsWith("/v1/" + kind + "s/")) {
          return ids.get(kind);
        }
      }
    }
    return ids.get("batch");
  }

  private String validQueryValue(String name) {
    return switch (name) {
      case "limit" -> "5";
      case "skip", "offset" -> "0";
      case "sort" -> "createdAt:desc";
      case "filter" -> "SUCCESS";
      default -> PROJECT;
    };
  }

  /**
   * From the document's schema; the dialects' bodies, which it gives as bare objects, as their API
   * references define them.
   */
  private Object validBody(Operation operation) {
    if (operation.path().startsWith("/simulations/")) {
      return scheduleBody(ids.get("agent"), ids.get("model"), 1, Map.of());
    }
    if (operation.path().startsWith("/v1/simulation/")) {
      return new HashMap<>(
          Map.of(
              "agent_id",
              ids.get("agent"),
              "persona_id",
              ids.get("persona"),
              "scenario_id",
              ids.get("scenario"),
              "channel",
              "text",
              "tool_overrides",
              Map.of("lookup", Map.of("output", Map.of("ok", true), "delay_ms", 0))));
    }
    if (operation.path().startsWith("/workflows/")) {
      return new HashMap<>(
          Map.of(
              "logical_id",
              "fuzz",
              "description",
              "Order a pizza",
              "selected_workflow",
              Map.of("workflow_id", ids.get("agent"), "dynamic_variables", Map.of("tier", "gold")),
              "counter_workflow",
              Map.of("workflow_id", ids.get("persona"), "dynamic_variables", Map.of()),
              "model_id",
              ids.get("model"),
              "max_events",
              2,
              "number_of_simulations",
              1));
    }
    return fromSchema(operation.bodySchema(), "body", 0);
  }

  private Object fromSchema(Map<String, Object> schema, String name, int depth) {
    if (schema.containsKey("$ref")) {
      String ref = (String) schema.get("$ref");
      return fromSchema(cast(components.get(ref.substring(ref.lastIndexOf('/') + 1))), name, depth);
    }
    if (schema.containsKey("oneOf")) {
      return fromSchema(cast(pick(castList(schema.get("oneOf")))), name, depth);
    }
    String type = (String) schema.getOrDefault("type", "object");
    return switch (type) {
      case "string" -> stringFor(name, schema);
      case "integer" -> 1;
      case "number" -> 0.5;
      case "boolean" -> false;
      case "array" ->
          depth > 3
              ? new ArrayList<>()
              : new ArrayList<>(
                  List.of(
                      fromSchema(
                          cast(schema.getOrDefault("items", Map.of("type", "string"))),
                          name,
                          depth + 1)));
      default -> {
        Map<String, Object> object = new LinkedHashMap<>();
        if (depth <= 3 && schema.containsKey("properties")) {
          cast(schema.get("properties"))
              .forEach(
                  (property, propertySchema) -> {
                    if (random.nextInt(3) > 0) {
                      object.put(property, fromSchema(cast(propertySchema), property, depth + 1));
                    }
                  });
        }
        yield object;
      }
    };
  }

  private String stringFor(String name, Map<String, Object> schema) {
    if ("uuid".equals(schema.get("format"))) {
      return name.equals("modelId")
          ? ids.get("model")
          : name.equals("personaId") ? ids.get("persona") : ids.get("agent");
    }
    return switch (name) {
      case "type" -> pick(List.of("http", "contains", "text"));
      case "url", "baseUrl" -> fakes.baseUrl() + "/agent";
      case "provider" -> "openai";
      case "firstSpeaker" -> "user";
      case "method" -> "POST";
      default -> "fuzz " + name;
    };
  }

  /**
   * One thing wrong in the body: a field's type or value, a field left out, an unknown field added.
   */
  @SuppressWarnings("unchecked")
  private String mutateBody(Object body) {
    List<Map<String, Object>> objects = new ArrayList<>();
    collectObjects(body, objects);
    Map<String, Object> object = pick(objects);
    int kind = random.nextInt(3);
    if (kind == 0 || object.isEmpty()) {
      String name = random.nextBoolean() ? "unknownField" : "a\u0000b";
      object.put(name, pick(BAD_JSON_VALUES));
      return "unknown field " + abbreviate(name);
    }
    String field = pick(new ArrayList<>(object.keySet()));
    if (kind == 1) {
      object.remove(field);
      return "field " + field + " left out";
    }
    Object value = pick(BAD_JSON_VALUES);
    object.put(field, value);
    return "field " + field + "=" + abbreviate(String.valueOf(value));
  }

  @SuppressWarnings("unchecked")
  private static void collectObjects(Object value, List<Map<String, Object>> objects) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> mutable = (Map<String, Object>) map;
      objects.add(mutable);
      new ArrayList<>(mutable.entrySet())
          .forEach(
              entry -> {
                if (entry.getValue() instanceof Map<?, ?> inner) {
                  Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) inner);
                  mutable.put(entry.getKey(), copy);
                  collectObjects(copy, objects);
                } else if (entry.getValue() instanceof List<?> list) {
                  List<Object> copy = new ArrayList<>(list);
                  mutable.put(entry.getKey(), copy);
                  for (int i = 0; i < copy.size(); i++) {
                    if (copy.get(i) instanceof Map<?, ?> element) {
                      Map<String, Object> elementCopy =
                          new LinkedHashMap<>((Map<String, Object>) element);
                      copy.set(i, elementCopy);
                      collectObjects(elementCopy, objects);
                    }
                  }
                }
              });
    }
  }

  /** What is wrong with the answer, or null. */
  private static String problem(Request request, RawHttp.Response response) {
    if (response.status() >= 500) {
      return "a server error";
    }
    if (response.status() < 400) {
      return null;
    }
    String traceId = response.header("X-Trace-Id");
    if (traceId == null || traceId.isBlank()) {
      return "no X-Trace-Id header";
    }
    Map<String, Object> body;
    try {
      body = JSON.readValue(response.body(), OBJECT);
    } catch (RuntimeException e) {
      return "the body is not a JSON object";
    }
    String path = request.target().split("\\?")[0];
    if (path.startsWith("/simulations/")) {
      if (!(body.get("error") instanceof String)
          || !traceId.equals(body.get("traceId"))
          || !(body.get("code") instanceof String)) {
        return "not Cognigy's {error, code, traceId}";
      }
      return response.status() == 400 && !(body.get("field") instanceof String)
          ? "a Cognigy 400 without field"
          : null;
    }
    if (path.startsWith("/v1/simulation/")) {
      if (response.status() == 422) {
        return validationDetails(body, "loc", "msg", "type")
            ? null
            : "not Feather's {detail: [{loc, msg, type}]}";
      }
      return body.keySet().equals(java.util.Set.of("error", "message"))
              && body.get("error") instanceof String
              && body.get("message") instanceof String message
              && message.contains(traceId)
          ? null
          : "not Feather's {error, message} with the trace id";
    }
    if (path.startsWith("/workflows/")) {
      if (response.status() == 422) {
        return validationDetails(body, "type", "loc", "msg")
            ? null
            : "not Interactly's {detail: [{type, loc, msg}]}";
      }
      return body.keySet().equals(java.util.Set.of("detail"))
              && body.get("detail") instanceof String detail
              && detail.contains(traceId)
          ? null
          : "not Interactly's {detail} with the trace id";
    }
    if (!String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
      return "not application/problem+json";
    }
    return body.get("status") instanceof Integer status
            && status == response.status()
            && body.get("title") instanceof String
            && body.get("code") instanceof String
            && traceId.equals(body.get("traceId"))
        ? null
        : "not a problem detail with status, title, code and traceId";
  }

  private static boolean validationDetails(Map<String, Object> body, String... keys) {
    if (!(body.get("detail") instanceof List<?> details) || details.isEmpty()) {
      return false;
    }
    return details.stream()
        .allMatch(
            detail ->
                detail instanceof Map<?, ?> map
                    && map.get("loc") instanceof List
                    && map.get("msg") instanceof String
                    && map.get("type") instanceof String
                    && map.keySet().containsAll(List.of(keys)));
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "...(" + text.length() + " chars)" : text;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> castList(Object value) {
    return (List<Map<String, Object>>) value;
  }
}
