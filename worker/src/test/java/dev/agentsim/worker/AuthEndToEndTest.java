package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authentication required: API keys (the admin key of the configuration, project keys created
 * through the API) and JWTs signed by a key the test serves as a JWKS, against every dialect's
 * project parameter, each failure in its dialect's error body.
 */
@TestPropertySource(
    properties = {
      "simulator.auth.required=true",
      "simulator.auth.admin-key=" + AuthEndToEndTest.ADMIN_KEY,
    })
class AuthEndToEndTest extends EmbeddedAppTest {

  static final String ADMIN_KEY = "admin-key-of-the-test-0123456789";
  private static final String OTHER = "other";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final RSAKey SIGNING_KEY = rsaKey();

  /** Keys created once for the whole class, through the API. */
  private static Map<String, Object> projectKey;

  private static Map<String, Object> otherProjectKey;
  private static Map<String, Object> readOnlyKey;
  private static Map<String, Object> revokedKey;
  private static Map<String, Object> expiringKey;

  private final HttpClient client = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void jwt(DynamicPropertyRegistry properties) {
    properties.add(
        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
        () -> fakes.baseUrl() + "/jwks.json");
  }

  /** A request of each dialect that reads, and one that writes, in a project. */
  enum Dialect {
    NATIVE,
    COGNIGY,
    FEATHER,
    INTERACTLY;

    Call read(String project) {
      return switch (this) {
        case NATIVE -> new Call("GET", "/v1/agents?projectId=" + project, Map.of(), null, 200);
        case COGNIGY ->
            new Call(
                "GET",
                "/simulations/"
                    + UUID.randomUUID()
                    + "/batches/"
                    + UUID.randomUUID()
                    + "?projectId="
                    + project,
                Map.of(),
                null,
                404);
        case FEATHER ->
            new Call("GET", "/v1/simulation/runs", Map.of("x-organization-id", project), null, 200);
        case INTERACTLY ->
            new Call("GET", "/workflows/v1/simulations?team_id=" + project, Map.of(), null, 200);
      };
    }

    Call write(String project) {
      return switch (this) {
        case NATIVE ->
            new Call(
                "POST", "/v1/personas?projectId=" + project, Map.of(), "{\"name\": \"Ana\"}", 201);
        case COGNIGY ->
            new Call(
                "POST",
                "/simulations/" + UUID.randomUUID() + "/schedule?projectId=" + project,
                Map.of(),
                "{}",
                400);
        case FEATHER ->
            new Call(
                "POST", "/v1/simulation/runs", Map.of("x-organization-id", project), "{}", 422);
        case INTERACTLY ->
            new Call("POST", "/workflows/v1/simulations?team_id=" + project, Map.of(), "{}", 422);
      };
    }

    /** The dialect's documented error body. */
    Map<String, Object> error(int status, String message, Answer answer, String path) {
      String code = status == 401 ? "UNAUTHORIZED" : "FORBIDDEN";
      return switch (this) {
        case COGNIGY -> Map.of("error", message, "code", code, "traceId", answer.traceId());
        case FEATHER ->
            Map.of(
                "error",
                code.toLowerCase(Locale.ROOT),
                "message",
                message + " (trace id " + answer.traceId() + ")");
        case INTERACTLY -> Map.of("detail", message + " (trace id " + answer.traceId() + ")");
        case NATIVE ->
            Map.of(
                "type",
                "about:blank",
                "title",
                status == 401 ? "Unauthorized" : "Forbidden",
                "status",
                status,
                "detail",
                message,
                "instance",
                path.replaceFirst("\\?.*", ""),
                "code",
                code,
                "traceId",
                answer.traceId());
      };
    }

    String contentType() {
      return this == NATIVE ? "application/problem+json" : "application/json";
    }
  }

  record Call(
      String method, String path, Map<String, String> headers, String body, int authorizedStatus) {}

  record Answer(int status, String contentType, String traceId, Map<String, Object> body) {}

  @BeforeEach
  void keysAndJwks() {
    fakes.stubFor(
        get(urlEqualTo("/jwks.json"))
            .willReturn(okJson(new JWKSet(SIGNING_KEY.toPublicJWK()).toString())));
    if (projectKey != null) {
      return;
    }
    Http admin = new Http(port, Map.of("X-API-Key", ADMIN_KEY));
    projectKey =
        createKey(admin, PROJECT, Map.of("name", "e2e key", "scopes", List.of("read", "write")));
    otherProjectKey = createKey(admin, OTHER, Map.of("name", "other key"));
    readOnlyKey = createKey(admin, PROJECT, Map.of("name", "reader", "scopes", List.of("read")));
    revokedKey = createKey(admin, PROJECT, Map.of("name", "revoked"));
    assertThat(
            admin.delete("/v1/api-keys/" + revokedKey.get("id") + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
    expiringKey =
        createKey(
            admin,
            PROJECT,
            Map.of("name", "expiring", "expiresAt", Instant.now().plusSeconds(2).toString()));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withoutACredential401(Dialect dialect) {
    assertRefused(
        dialect,
        dialect.read(PROJECT),
        Map.of(),
        401,
        "Authentication required: send an API key in X-API-Key or Authorization: Bearer, or a JWT in Authorization: Bearer");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withAnUnknownKey401(Dialect dialect) {
    assertRefused(
        dialect, dialect.read(PROJECT), apiKey("ask_" + "x".repeat(43)), 401, "Invalid API key");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withARevokedKey401(Dialect dialect) {
    assertRefused(
        dialect,
        dialect.read(PROJECT),
        apiKey(revokedKey),
        401,
        "The API key " + revokedKey.get("id") + " has been revoked");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withAnExpiredKey401(Dialect dialect) {
    Instant expiry = Instant.parse((String) expiringKey.get("expiresAt"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expiry));
    assertRefused(
        dialect,
        dialect.read(PROJECT),
        apiKey(expiringKey),
        401,
        "The API key " + expiringKey.get("id") + " expired at " + expiry);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withAKeyOfAnotherProject403(Dialect dialect) {
    assertRefused(
        dialect,
        dialect.read(PROJECT),
        apiKey(otherProjectKey),
        403,
        "The credential may not use project '" + PROJECT + "'");
    assertRefused(
        dialect,
        dialect.write(PROJECT),
        apiKey(otherProjectKey),
        403,
        "The credential may not use project '" + PROJECT + "'");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withoutTheWriteScope403(Dialect dialect) {
    assertAuthorized(dialect.read(PROJECT), apiKey(readOnlyKey));
    assertRefused(
        dialect,
        dialect.write(PROJECT),
        apiKey(readOnlyKey),
        403,
        "The credential lacks the 'write' scope");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aProjectKeyWorksInItsProjectFromEitherHeader(Dialect dialect) {
    String secret = (String) projectKey.get("key");
    assertAuthorized(dialect.read(PROJECT), Map.of("X-API-Key", secret));
    assertAuthorized(dialect.write(PROJECT), Map.of("x-api-key", secret));
    assertAuthorized(dialect.read(PROJECT), Map.of("Authorization", "Bearer " + secret));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aJwtWithTheProjectsClaimUsesThoseProjects(Dialect dialect) {
    Map<String, String> token =
        bearer(jwt(Map.of("projects", List.of(PROJECT), "scope", "read write")));
    assertAuthorized(dialect.read(PROJECT), token);
    assertAuthorized(dialect.write(PROJECT), token);
    assertRefused(
        dialect,
        dialect.read(OTHER),
        token,
        403,
        "The credential may not use project '" + OTHER + "'");
    Map<String, String> reader =
        bearer(jwt(Map.of("projects", PROJECT + " " + OTHER, "scp", List.of("read"))));
    assertAuthorized(dialect.read(OTHER), reader);
    assertRefused(
        dialect, dialect.write(PROJECT), reader, 403, "The credential lacks the 'write' scope");
    assertAuthorized(dialect.write(OTHER), bearer(jwt(Map.of("projects", "*", "scope", "write"))));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aJwtWithoutTheProjectsClaimUsesNoProject(Dialect dialect) {
    assertRefused(
        dialect,
        dialect.read(PROJECT),
        bearer(jwt(Map.of("scope", "read write admin"))),
        403,
        "The credential may not use project '" + PROJECT + "'");
  }

  @Test
  void aJwtNotSignedByTheIssuersKeyOrExpiredIsRefused() {
    Map<String, Object> claims = Map.of("projects", List.of(PROJECT), "scope", "read");
    Answer forged =
        send(
            Dialect.NATIVE.read(PROJECT),
            bearer(jwt(rsaKey(), claims, Instant.now().plusSeconds(300))));
    assertThat(forged.status()).isEqualTo(401);
    assertThat((String) forged.body().get("detail")).contains("Invalid signature");
    Answer expired =
        send(
            Dialect.NATIVE.read(PROJECT),
            bearer(jwt(SIGNING_KEY, claims, Instant.now().minusSeconds(600))));
    assertThat(expired.status()).isEqualTo(401);
    assertThat((String) expired.body().get("detail")).contains("expired");
  }

  @Test
  void aKeyIsShownOnceListedWithoutItsSecretAndRevokedFor401() {
    Http admin = new Http(port, Map.of("X-API-Key", ADMIN_KEY));
    Http.Response created = admin.post("/v1/api-keys?projectId=" + PROJECT, Map.of("name", "ci"));
    assertThat(created.status()).isEqualTo(201);
    String id = (String) created.body().get("id");
    String secret = (String) created.body().get("key");
    assertThat(secret).startsWith("ask_").hasSize(47);
    assertThat(created.body())
        .containsEntry("projectId", PROJECT)
        .containsEntry("name", "ci")
        .containsEntry("scopes", List.of("read", "write"))
        .containsEntry("expiresAt", null);
    assertThat(created.location()).endsWith("/v1/api-keys/" + id + "?projectId=" + PROJECT);

    Http.Response listed = admin.get("/v1/api-keys?projectId=" + PROJECT + "&limit=100");
    assertThat(listed.status()).isEqualTo(200);
    Map<String, Object> entry =
        listed.list("data").stream()
            .filter(key -> key.get("id").equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(entry).doesNotContainKey("key");
    assertThat(entry.values()).doesNotContain(secret);
    assertThat(listed.list("data"))
        .allSatisfy(key -> assertThat(key).containsEntry("projectId", PROJECT));

    Http withKey = new Http(port, Map.of("X-API-Key", secret));
    assertThat(withKey.get("/v1/agents?projectId=" + PROJECT).status()).isEqualTo(200);
    assertThat(admin.delete("/v1/api-keys/" + id + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
    assertThat(withKey.get("/v1/agents?projectId=" + PROJECT).status()).isEqualTo(401);
    assertThat(admin.get("/v1/api-keys?projectId=" + PROJECT + "&limit=100").list("data"))
        .noneMatch(key -> key.get("id").equals(id));
    assertThat(admin.delete("/v1/api-keys/" + id + "?projectId=" + PROJECT).status())
        .isEqualTo(404);
  }

  @Test
  void aProjectAdminManagesTheKeysOfItsProjectOnly() {
    Http admin = new Http(port, Map.of("X-API-Key", ADMIN_KEY));
    Map<String, Object> projectAdmin =
        createKey(admin, PROJECT, Map.of("name", "project admin", "scopes", List.of("admin")));
    Http http = new Http(port, apiKey(projectAdmin));
    assertThat(
            http.post(
                    "/v1/api-keys?projectId=" + PROJECT,
                    Map.of("name", "made by the project admin"))
                .status())
        .isEqualTo(201);
    Http.Response otherProject =
        http.post("/v1/api-keys?projectId=" + OTHER, Map.of("name", "elsewhere"));
    assertThat(otherProject.status()).isEqualTo(403);
    assertThat(otherProject.body().get("detail"))
        .isEqualTo("The credential may not use project '" + OTHER + "'");
    Http.Response everyProject = http.post("/v1/api-keys", Map.of("name", "everywhere"));
    assertThat(everyProject.status()).isEqualTo(403);
    assertThat((String) everyProject.body().get("detail"))
        .startsWith("The request names no project");
    assertThat(
            http.delete("/v1/api-keys/" + otherProjectKey.get("id") + "?projectId=" + OTHER)
                .status())
        .isEqualTo(403);
    // a key of another project is not found in this one
    assertThat(
            http.delete("/v1/api-keys/" + otherProjectKey.get("id") + "?projectId=" + PROJECT)
                .status())
        .isEqualTo(404);

    Http.Response writerCreates =
        new Http(port, apiKey(projectKey))
            .post("/v1/api-keys?projectId=" + PROJECT, Map.of("name", "by a writer"));
    assertThat(writerCreates.status()).isEqualTo(403);
    assertThat(writerCreates.body().get("detail"))
        .isEqualTo("The credential lacks the 'admin' scope");
  }

  @Test
  void aNewKeyIsCheckedFieldByField() {
    Http admin = new Http(port, Map.of("X-API-Key", ADMIN_KEY));
    Http.Response badScope =
        admin.post(
            "/v1/api-keys?projectId=" + PROJECT,
            Map.of("name", "k", "scopes", List.of("read", "root")));
    assertThat(badScope.status()).isEqualTo(400);
    assertThat(badScope.body()).containsEntry("field", "scopes[1]");
    Http.Response past =
        admin.post(
            "/v1/api-keys?projectId=" + PROJECT,
            Map.of("name", "k", "expiresAt", "2020-01-01T00:00:00Z"));
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.body()).containsEntry("field", "expiresAt");
    Http.Response noName =
        admin.post("/v1/api-keys?projectId=" + PROJECT, Map.of("scopes", List.of("read")));
    assertThat(noName.status()).isEqualTo(400);
    assertThat(noName.body()).containsEntry("field", "name");
  }

  @Test
  void theProjectCheckedIsTheProjectTheControllerUses() {
    Map<String, String> key = apiKey(projectKey);
    // a repeated parameter reaches the controller as "e2e,other"
    Answer repeated =
        send(
            new Call(
                "GET",
                "/v1/agents?projectId=" + PROJECT + "&projectId=" + OTHER,
                Map.of(),
                null,
                200),
            key);
    assertThat(repeated.status()).isEqualTo(403);
    assertThat(repeated.body().get("detail"))
        .isEqualTo("The credential may not use project '" + PROJECT + "," + OTHER + "'");
    // Feather: the header wins over the query parameter; without either, the default project
    Answer header =
        send(
            new Call(
                "GET",
                "/v1/simulation/runs?organization_id=" + PROJECT,
                Map.of("x-organization-id", OTHER),
                null,
                200),
            key);
    assertThat(header.status()).isEqualTo(403);
    Answer featherDefault = send(new Call("GET", "/v1/simulation/runs", Map.of(), null, 200), key);
    assertThat(featherDefault.body().get("message"))
        .asString()
        .startsWith("The credential may not use project 'demo'");
    // Interactly: the query parameter wins over the header
    Answer team =
        send(
            new Call(
                "GET",
                "/workflows/v1/simulations?team_id=" + OTHER,
                Map.of("X-Team-Id", PROJECT),
                null,
                200),
            key);
    assertThat(team.status()).isEqualTo(403);
    assertThat(
            send(
                    new Call(
                        "GET",
                        "/workflows/v1/simulations",
                        Map.of("X-Team-Id", PROJECT),
                        null,
                        200),
                    key)
                .status())
        .isEqualTo(200);
  }

  @Test
  void healthTheOpenApiDocumentAndTheDemoAgentNeedNoCredential() {
    assertThat(send(new Call("GET", "/actuator/health", Map.of(), null, 200), Map.of()).status())
        .isEqualTo(200);
    assertThat(send(new Call("GET", "/v3/api-docs", Map.of(), null, 200), Map.of()).status())
        .isEqualTo(200);
    assertThat(
            send(new Call("POST", "/demo/agent", Map.of(), "{\"text\": \"hello\"}", 200), Map.of())
                .status())
        .isEqualTo(200);
  }

  @Test
  void aRequestTheFirewallRefusesGetsTheDialectsErrorBody() {
    Answer answer =
        send(
            new Call("GET", "/simulations/a;b/batches/c?projectId=" + PROJECT, Map.of(), null, 400),
            apiKey(projectKey));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body())
        .containsOnlyKeys("error", "field", "code", "traceId")
        .containsEntry("code", "INVALID_REQUEST")
        .containsEntry("traceId", answer.traceId());
    assertThat((String) answer.body().get("error")).startsWith("The request was rejected");
  }

  @Test
  void aBatchRunsWithAProjectKey() {
    http = new Http(port, apiKey(projectKey));
    String scenario = createScenario(Map.of());
    Http.Response scheduled =
        schedule(scenario, scheduleBody(createAgent("/agent"), createModel(), 1, Map.of()));
    assertThat(scheduled.status()).as("%s", scheduled.body()).isEqualTo(201);
    awaitBatch(scenario, (String) scheduled.body().get("id"), "completed");
  }

  @Test
  void aNativeBatchIsScheduledReadAndDeletedWithItsProjectsKeysOnly() {
    http = new Http(port, apiKey(projectKey));
    Http.Response created =
        http.post(
            "/v1/batches?projectId=" + PROJECT,
            Map.of(
                "scenarioId",
                createScenario(Map.of()),
                "agentId",
                createAgent("/agent"),
                "modelId",
                createModel()));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    String batch = "/v1/batches/" + created.body().get("id") + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "completed".equals(http.get(batch).body().get("status")));
    String export = "/v1/batches/" + created.body().get("id") + "/export?format=jsonl&projectId=";

    assertAuthorized(new Call("GET", export + PROJECT, Map.of(), null, 200), apiKey(readOnlyKey));
    assertRefused(
        Dialect.NATIVE,
        new Call("GET", export + PROJECT, Map.of(), null, 200),
        apiKey(otherProjectKey),
        403,
        "The credential may not use project '" + PROJECT + "'");
    assertRefused(
        Dialect.NATIVE,
        new Call("DELETE", batch, Map.of(), null, 204),
        apiKey(readOnlyKey),
        403,
        "The credential lacks the 'write' scope");
    assertAuthorized(new Call("DELETE", batch, Map.of(), null, 204), apiKey(projectKey));
  }

  private void assertRefused(
      Dialect dialect, Call call, Map<String, String> credential, int status, String message) {
    Answer answer = send(call, credential);
    assertThat(answer.status()).as("%s %s", call.method(), call.path()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith(dialect.contentType());
    assertThat(answer.traceId()).isNotBlank();
    assertThat(answer.body()).isEqualTo(dialect.error(status, message, answer, call.path()));
  }

  private void assertAuthorized(Call call, Map<String, String> credential) {
    Answer answer = send(call, credential);
    assertThat(answer.status())
        .as("%s %s: %s", call.method(), call.path(), answer.body())
        .isEqualTo(call.authorizedStatus());
  }

  private Answer send(Call call, Map<String, String> credential) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + call.path()))
            .method(
                call.method(),
                call.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(call.body()));
    if (call.body() != null) {
      request.header("Content-Type", "application/json");
    }
    call.headers().forEach(request::header);
    credential.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, Object> body =
          response.body().isBlank()
              ? Map.of()
              : JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("X-Trace-Id").orElse(null),
          body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> createKey(
      Http admin, String project, Map<String, Object> request) {
    Http.Response created = admin.post("/v1/api-keys?projectId=" + project, request);
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return created.body();
  }

  private static Map<String, String> apiKey(Map<String, Object> created) {
    return apiKey((String) created.get("key"));
  }

  private static Map<String, String> apiKey(String secret) {
    return Map.of("X-API-Key", secret);
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static String jwt(Map<String, Object> claims) {
    return jwt(SIGNING_KEY, claims, Instant.now().plusSeconds(300));
  }

  private static String jwt(RSAKey key, Map<String, Object> claims, Instant expiry) {
    JWTClaimsSet.Builder set =
        new JWTClaimsSet.Builder()
            .subject("ci@example.org")
            .issueTime(Date.from(expiry.minusSeconds(900)))
            .expirationTime(Date.from(expiry));
    claims.forEach(set::claim);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), set.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static RSAKey rsaKey() {
    try {
      return new RSAKeyGenerator(2048).keyID("test-key").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
