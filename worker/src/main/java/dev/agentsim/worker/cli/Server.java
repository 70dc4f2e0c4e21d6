package dev.agentsim.worker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The AgentSim server's native API, as the command line uses it. */
final class Server {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String apiKey;
  private final String project;

  Server(String url, String apiKey, String project) {
    this.base = url.replaceAll("/+$", "");
    this.apiKey = apiKey;
    this.project = encode(project);
  }

  /** {@code POST /v1/apply}: the answer lists what was created, updated and unchanged. */
  JsonNode apply(JsonNode file) {
    return json(send(post("/v1/apply?projectId=" + project, file)));
  }

  JsonNode createBatch(JsonNode body) {
    return json(send(post("/v1/batches?projectId=" + project, body)));
  }

  JsonNode batch(String id) {
    return json(send(get("/v1/batches/" + encode(id) + "?projectId=" + project)));
  }

  String junit(String batchId) {
    return send(get("/v1/batches/" + batchId + "/export?format=junit&projectId=" + project));
  }

  /**
   * {@code GET /v1/batches}: one page, newest first; {@code labels} as {@code key:value}; the first
   * page without a cursor, the next with the {@code nextCursor} of the one before.
   */
  JsonNode batches(String status, List<String> labels, int limit, String cursor) {
    StringBuilder query = new StringBuilder("/v1/batches?projectId=" + project + "&limit=" + limit);
    if (status != null) {
      query.append("&status=").append(encode(status));
    }
    labels.forEach(label -> query.append("&label=").append(encode(label)));
    if (cursor != null) {
      query.append("&cursor=").append(encode(cursor));
    }
    return json(send(get(query.toString())));
  }

  /**
   * {@code GET /v1/batches/{id}/runs}: the first page of a batch's runs with this verdict, criteria
   * results included.
   */
  JsonNode runs(String batchId, String verdict, int limit) {
    return json(
        send(
            get(
                "/v1/batches/"
                    + encode(batchId)
                    + "/runs?status="
                    + encode(verdict)
                    + "&limit="
                    + limit
                    + "&projectId="
                    + project)));
  }

  JsonNode stopBatch(String id) {
    return json(
        send(
            request("/v1/batches/" + encode(id) + "/stop?projectId=" + project)
                .POST(HttpRequest.BodyPublishers.noBody())));
  }

  /**
   * A batch's runs as {@code jsonl}, {@code csv} or {@code junit}, streamed as the server writes
   * them.
   */
  InputStream exportBatch(String id, String format) {
    return stream(
        get(
            "/v1/batches/"
                + encode(id)
                + "/export?format="
                + encode(format)
                + "&projectId="
                + project));
  }

  /** {@code GET /v1/export}: the project as a suite file. */
  InputStream exportProject() {
    return stream(get("/v1/export?projectId=" + project));
  }

  /** {@code GET /v1/runs/{id}}, transcript included. */
  JsonNode run(String id) {
    return json(send(get("/v1/runs/" + encode(id) + "?projectId=" + project)));
  }

  /**
   * The id of the object of this kind ({@code agents}, {@code models}, {@code scenarios}) with this
   * name.
   */
  Optional<String> idByName(String collection, String name) {
    for (int skip = 0; ; skip += 100) {
      JsonNode page =
          json(
              send(get("/v1/" + collection + "?limit=100&skip=" + skip + "&projectId=" + project)));
      for (JsonNode object : page.path("data")) {
        if (name.equals(object.path("name").asString(null))) {
          return Optional.of(object.path("id").asString());
        }
      }
      if (!page.path("pagination").path("hasNext").asBoolean(false)) {
        return Optional.empty();
      }
    }
  }

  private HttpRequest.Builder get(String path) {
    return request(path).GET();
  }

  private HttpRequest.Builder post(String path, JsonNode body) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    } catch (IllegalArgumentException e) {
      throw new Failure("--server: not a URL: " + base);
    }
    return apiKey == null || apiKey.isBlank() ? request : request.header("X-API-Key", apiKey);
  }

  private String send(HttpRequest.Builder request) {
    HttpResponse<String> response =
        exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() / 100 != 2) {
      throw new Failure(problem(response.statusCode(), response.body()));
    }
    return response.body();
  }

  private InputStream stream(HttpRequest.Builder request) {
    HttpResponse<InputStream> response =
        exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      try (InputStream body = response.body()) {
        throw new Failure(
            problem(
                response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new Failure("server answered " + response.statusCode(), e);
      }
    }
    return response.body();
  }

  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    try {
      return client.send(request.build(), handler);
    } catch (IOException e) {
      throw new Failure(
          "cannot reach the server at "
              + base
              + ": "
              + (e.getMessage() == null ? e : e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /**
   * The server's error as a line: the field at fault first, as its RFC 7807 body names it; a 404's
   * message says itself which object was not found.
   */
  private static String problem(int status, String text) {
    try {
      JsonNode body = JSON.readTree(text);
      String detail = body.path("detail").asString(body.path("error").asString(text));
      String field = body.path("field").asString(null);
      if (field == null) {
        return status == 404 ? detail : "server answered " + status + ": " + detail;
      }
      return detail.startsWith(field) ? detail : field + ": " + detail;
    } catch (JacksonException e) {
      return "server answered " + status + ": " + text;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static JsonNode json(String body) {
    return JSON.readTree(body);
  }
}
