package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Input that could break the service: slow and oversized bodies, NUL characters, overlong strings,
 * unknown fields, and requests refused before any controller sees them. Each is refused in its
 * dialect's error body, and the service keeps answering.
 */
@TestPropertySource(properties = "simulator.api.body-read-timeout=1s")
@ExtendWith(OutputCaptureExtension.class)
class InputLimitsTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /**
   * 600 clients sending a body a byte at a time hold no thread: other requests answer at once, and
   * the slow ones get a 408 at their deadline.
   */
  @Test
  void slowUploadsNeitherStarveOtherRequestsNorOutliveTheirDeadline() throws Exception {
    List<Socket> uploads = new ArrayList<>();
    HttpClient client = HttpClient.newHttpClient();
    try {
      for (int i = 0; i < 600; i++) {
        Socket upload = new Socket("localhost", port);
        upload
            .getOutputStream()
            .write(
                ("POST /v1/agents?projectId="
                        + PROJECT
                        + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        uploads.add(upload);
      }
      // While their bodies trickle in, other requests answer at once.
      int answered = 0;
      for (long start = System.nanoTime();
          Duration.ofNanos(System.nanoTime() - start).toMillis() < 400;
          answered++) {
        for (Socket upload : uploads) {
          trickle(upload);
        }
        long sent = System.nanoTime();
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/v1/agents?projectId=" + PROJECT))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(500));
      }
      assertThat(answered).isGreaterThan(2);
      // At their deadline each is answered 408 and its connection closed.
      int timedOut = 0;
      for (Socket upload : uploads) {
        upload.setSoTimeout(10_000);
        try {
          RawHttp.Response cutOff = RawHttp.read(upload.getInputStream());
          assertThat(cutOff.status()).isEqualTo(408);
          assertProblem(cutOff, "REQUEST_TIMEOUT");
          timedOut++;
        } catch (SocketException e) {
          // Reset: a byte of ours crossed the server's close; cut off all the same.
          assertThat(e.getMessage()).contains("reset");
        }
      }
      assertThat(timedOut).isGreaterThan(500);
    } finally {
      for (Socket upload : uploads) {
        upload.close();
      }
    }
  }

  @Test
  void aBodyBeyondTheLimitIsRefusedWith413WhetherAnnouncedOrStreamed() throws Exception {
    byte[] fiftyMegabytes = new byte[50 * 1024 * 1024];
    Arrays.fill(fiftyMegabytes, (byte) ' ');
    long start = System.nanoTime();
    RawHttp.Response announced =
        RawHttp.send(
            port,
            "POST",
            "/v1/agents?projectId=" + PROJECT,
            Map.of("Content-Type", "application/json"),
            fiftyMegabytes);
    assertThat(announced.status()).isEqualTo(413);
    assertProblem(announced, "PAYLOAD_TOO_LARGE");

    // Chunked, the size is known only as it arrives: reading stops at the limit.
    byte[] chunked = chunked(new byte[6 * 1024 * 1024]);
    RawHttp.Response streamed =
        RawHttp.send(
            port,
            "POST",
            "/simulations/" + java.util.UUID.randomUUID() + "/schedule?projectId=" + PROJECT,
            Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"),
            chunked);
    assertThat(streamed.status()).isEqualTo(413);
    Map<String, Object> cognigy = JSON.readValue(streamed.body(), OBJECT);
    assertThat(cognigy)
        .containsEntry("code", "PAYLOAD_TOO_LARGE")
        .containsEntry("traceId", streamed.header("X-Trace-Id"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

    assertThat(http.get("/v1/agents?projectId=" + PROJECT).status()).isEqualTo(200);
  }

  @Test
  void nulCharactersAndOverlongStringsAreRefusedNamingTheFieldInEachDialect() {
    Http.Response nulName =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "bot\u0000",
                "type",
                "http",
                "config",
                Map.of("url", "http://localhost/agent")));
    assertThat(nulName.status()).isEqualTo(400);
    assertThat(nulName.body())
        .containsEntry("field", "name")
        .containsEntry("code", "NUL_CHARACTER");

    Http.Response nulQuery = http.get("/v1/agents?projectId=a%00b");
    assertThat(nulQuery.status()).isEqualTo(400);
    assertThat(nulQuery.body())
        .containsEntry("field", "projectId")
        .containsEntry("code", "NUL_CHARACTER");

    Http.Response longMission =
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of("name", "s", "persona", Map.of("name", "p"), "mission", "m".repeat(100_001)));
    assertThat(longMission.status()).isEqualTo(400);
    assertThat(longMission.body())
        .containsEntry("field", "mission")
        .containsEntry("code", "STRING_TOO_LONG");
    Http.Response longScriptLine =
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of(
                "name",
                "s",
                "persona",
                Map.of("name", "p"),
                "mission",
                "m",
                "script",
                List.of("hello", "x".repeat(100_001))));
    assertThat(longScriptLine.body())
        .containsEntry("field", "script[1]")
        .containsEntry("code", "STRING_TOO_LONG");
    assertThat(
            http.post(
                    "/v1/scenarios?projectId=" + PROJECT,
                    Map.of(
                        "name",
                        "s",
                        "persona",
                        Map.of("name", "p"),
                        "mission",
                        "m".repeat(100_000)))
                .status())
        .isEqualTo(201);
    Http.Response longName =
        http.post("/v1/personas?projectId=" + PROJECT, Map.of("name", "n".repeat(201)));
    assertThat(longName.body())
        .containsEntry("field", "name")
        .containsEntry("code", "STRING_TOO_LONG");

    String agent = createAgent("/agent");
    String model = createModel();
    String scenario = createScenario(Map.of());
    Http.Response cognigy =
        schedule(
            scenario,
            scheduleBody(
                agent,
                model,
                1,
                Map.of(
                    "runConfig",
                    Map.of(
                        "flowReferenceId",
                        agent,
                        "entrypoint",
                        "main",
                        "largeLanguageModelReferenceId",
                        model,
                        "data",
                        Map.of("note", "a\u0000b")))));
    assertThat(cognigy.status()).isEqualTo(400);
    CognigySchema.assertValidationError(cognigy.body(), "runConfig.data.note");
    assertThat(cognigy.body()).containsEntry("code", "NUL_CHARACTER");

    Http.Response feather =
        http.post(
            "/v1/simulation/runs",
            Map.of(
                "agent_id",
                agent,
                "persona_id",
                agent,
                "scenario_id",
                scenario,
                "tool_overrides",
                Map.of("lookup", Map.of("error", "down\u0000"))),
            Map.of("x-organization-id", PROJECT));
    assertThat(feather.status()).isEqualTo(422);
    assertThat(feather.list("detail"))
        .singleElement()
        .satisfies(
            detail ->
                assertThat(detail)
                    .containsEntry("loc", List.of("body", "tool_overrides", "lookup", "error"))
                    .containsEntry("type", "nul_character"));

    Http.Response interactly =
        http.post(
            "/workflows/v1/simulations?team_id=" + PROJECT,
            Map.of(
                "description",
                "d".repeat(100_001),
                "selected_workflow",
                Map.of("workflow_id", agent),
                "counter_workflow",
                Map.of("workflow_id", agent)));
    assertThat(interactly.status()).isEqualTo(422);
    assertThat(interactly.list("detail"))
        .singleElement()
        .satisfies(
            detail ->
                assertThat(detail)
                    .containsEntry("loc", List.of("body", "description"))
                    .containsEntry("type", "string_too_long"));
  }

  @Test
  void theNativeApiRefusesUnknownFieldsNamingThemWhileTheDialectsKeepTheirRules() {
    Http.Response topLevel =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "bot",
                "type",
                "http",
                "config",
                Map.of("url", "http://localhost/agent"),
                "timeout",
                5));
    assertThat(topLevel.status()).isEqualTo(400);
    assertThat(topLevel.body())
        .containsEntry("field", "timeout")
        .containsEntry("code", "UNKNOWN_FIELD");
    Http.Response inConfig =
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            Map.of(
                "name",
                "bot",
                "type",
                "http",
                "config",
                Map.of("url", "http://localhost/agent", "timeoutMillis", 5)));
    assertThat(inConfig.body())
        .containsEntry("field", "config.timeoutMillis")
        .containsEntry("code", "UNKNOWN_FIELD");
    Http.Response inPersona =
        http.post(
            "/v1/scenarios?projectId=" + PROJECT,
            Map.of("name", "s", "mission", "m", "persona", Map.of("name", "p", "mood", "grumpy")));
    assertThat(inPersona.body())
        .containsEntry("field", "persona.mood")
        .containsEntry("code", "UNKNOWN_FIELD");
    Http.Response inModel =
        http.put(
            "/v1/models/" + createModel() + "?projectId=" + PROJECT,
            Map.of("name", "m", "provider", "openai", "model", "x", "temprature", 0.5));
    assertThat(inModel.body())
        .containsEntry("field", "temprature")
        .containsEntry("code", "UNKNOWN_FIELD");

    // Cognigy's schedule body allows further properties.
    String agent = createAgent("/agent");
    Http.Response cognigy =
        schedule(
            createScenario(Map.of("maxTurns", 1)),
            scheduleBody(agent, createModel(), 1, Map.of("comment", "from the nightly job")));
    assertThat(cognigy.status()).isEqualTo(201);
  }

  /**
   * What Tomcat and Spring MVC refuse before any controller, in the dialect of the path, and each
   * error's trace id in its log line.
   */
  @Test
  void errorsBeforeAnyControllerComeInTheDialectsBodyAndTheirTraceIdIsLogged(CapturedOutput output)
      throws Exception {
    List<String> traceIds = new ArrayList<>();

    RawHttp.Response unknownPath = RawHttp.send(port, "GET", "/v1/nothing-here", Map.of(), null);
    assertThat(unknownPath.status()).isEqualTo(404);
    assertProblem(unknownPath, "NOT_FOUND");
    traceIds.add(unknownPath.header("X-Trace-Id"));

    RawHttp.Response badEncoding =
        RawHttp.send(port, "GET", "/simulations/%zz/batches/b?projectId=p", Map.of(), null);
    assertThat(badEncoding.status()).isEqualTo(400);
    Map<String, Object> cognigy = JSON.readValue(badEncoding.body(), OBJECT);
    assertThat(cognigy)
        .containsKeys("error", "field")
        .containsEntry("traceId", badEncoding.header("X-Trace-Id"));
    traceIds.add(badEncoding.header("X-Trace-Id"));

    RawHttp.Response bigHeader =
        RawHttp.send(
            port,
            "GET",
            "/v1/simulation/runs",
            Map.of("x-organization-id", "o".repeat(20_000)),
            null);
    assertThat(bigHeader.status()).isEqualTo(400);
    Map<String, Object> feather = JSON.readValue(bigHeader.body(), OBJECT);
    assertThat(feather).containsOnlyKeys("error", "message").containsEntry("error", "bad_request");
    assertThat((String) feather.get("message")).contains(bigHeader.header("X-Trace-Id"));
    traceIds.add(bigHeader.header("X-Trace-Id"));

    RawHttp.Response method =
        RawHttp.send(port, "DELETE", "/workflows/v1/simulations", Map.of(), null);
    assertThat(method.status()).isEqualTo(405);
    assertThat((String) JSON.readValue(method.body(), OBJECT).get("detail"))
        .contains(method.header("X-Trace-Id"));
    traceIds.add(method.header("X-Trace-Id"));

    RawHttp.Response mediaType =
        RawHttp.send(
            port,
            "POST",
            "/v1/personas?projectId=p",
            Map.of("Content-Type", "text/plain"),
            "name".getBytes(StandardCharsets.UTF_8));
    assertThat(mediaType.status()).isEqualTo(415);
    assertProblem(mediaType, "UNSUPPORTED_MEDIA_TYPE");
    traceIds.add(mediaType.header("X-Trace-Id"));

    RawHttp.Response accept =
        RawHttp.send(port, "GET", "/v1/personas?projectId=p", Map.of("Accept", "text/csv"), null);
    assertThat(accept.status()).isEqualTo(406);
    assertProblem(accept, "NOT_ACCEPTABLE");
    traceIds.add(accept.header("X-Trace-Id"));

    RawHttp.Response blankId =
        RawHttp.send(port, "GET", "/v1/personas/%20?projectId=p", Map.of(), null);
    assertThat(blankId.status()).isEqualTo(400);
    assertThat(JSON.readValue(blankId.body(), OBJECT)).containsEntry("field", "id");
    traceIds.add(blankId.header("X-Trace-Id"));

    for (String traceId : traceIds) {
      assertThat(output.getAll().lines().filter(line -> line.contains(traceId)).toList())
          .as("log lines of %s", traceId)
          .isNotEmpty();
    }
  }

  private static void assertProblem(RawHttp.Response response, String code) {
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    Map<String, Object> problem = JSON.readValue(response.body(), OBJECT);
    assertThat(problem)
        .containsEntry("status", response.status())
        .containsEntry("code", code)
        .containsEntry("traceId", response.header("X-Trace-Id"))
        .containsKeys("title", "detail");
  }

  private static void trickle(Socket upload) {
    try {
      upload.getOutputStream().write(' ');
    } catch (IOException e) {
      // Cut off already.
    }
  }

  private static byte[] chunked(byte[] body) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 65_536) {
      int size = Math.min(65_536, body.length - at);
      out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, size);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
