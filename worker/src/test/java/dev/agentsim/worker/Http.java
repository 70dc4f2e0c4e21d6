package dev.agentsim.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A plain JSON client for the application under test, over real HTTP. */
final class Http {

  record Response(int status, String contentType, String location, Map<String, Object> body) {

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String key) {
      return (Map<String, Object>) body.get(key);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String key) {
      return (List<Map<String, Object>>) body.get(key);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  private final Map<String, String> headers;

  Http(int port) {
    this(port, Map.of());
  }

  /** A client that sends these headers (a credential, say) with every request. */
  Http(int port, Map<String, String> headers) {
    this.base = "http://localhost:" + port;
    this.headers = headers;
  }

  /** A path on the application, or an absolute URL it returned. */
  Response get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path)).GET());
  }

  Response post(String path, Object body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    body instanceof String raw ? raw : JSON.writeValueAsString(body))));
  }

  Response post(String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    headers.forEach(request::header);
    return send(request);
  }

  Response put(String path, Object body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private Response send(HttpRequest.Builder request) {
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, Object> body =
          response.body().isBlank()
              ? Map.of()
              : JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("Location").orElse(null),
          body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
