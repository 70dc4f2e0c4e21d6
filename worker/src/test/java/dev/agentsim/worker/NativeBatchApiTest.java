package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

class NativeBatchApiTest extends EmbeddedAppTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String FAILING_CRITERION_VALUE = "refund granted";

  @Autowired JdbcClient jdbc;

  @Test
  void aBatchScheduledNativelyRunsToCompletionWithItsLabels() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());

    Http.Response created =
        create(
            Map.of(
                "scenarioId",
                scenarioId,
                "agentId",
                agentId,
                "modelId",
                modelId,
                "runs",
                3,
                "concurrency",
                2,
                "maxEvents",
                20,
                "dynamicVariables",
                Map.of("city", "Lisbon"),
                "mocking",
                Map.of(
                    "toolOverrides", Map.of("place_order", Map.of("output", Map.of("order", 7)))),
                "labels",
                Map.of("commit", "3f2a9c1", "branch", "main")));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    assertThat(created.location())
        .endsWith("/v1/batches/" + created.body().get("id") + "?projectId=" + PROJECT);
    assertThat(created.body())
        .containsEntry("scenarioId", scenarioId)
        .containsEntry("agentId", agentId)
        .containsEntry("runs", 3)
        .containsEntry("name", "Order a pizza")
        .containsEntry("endPointType", "native");
    assertThat(created.body().get("labels"))
        .isEqualTo(Map.of("commit", "3f2a9c1", "branch", "main"));
    Map<String, Object> done = await((String) created.body().get("id"));
    assertThat(done).containsEntry("status", "completed").containsEntry("succeededRuns", 3);
    assertThat(done.get("labels")).isEqualTo(Map.of("commit", "3f2a9c1", "branch", "main"));
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    Map<String, Object> valid =
        Map.of("scenarioId", scenarioId, "agentId", agentId, "modelId", modelId);

    assertRefused(without(valid, "scenarioId"), "scenarioId", "REQUIRED");
    assertRefused(without(valid, "modelId"), "modelId", "REQUIRED");
    assertRefused(with(valid, "runs", 0), "runs", "OUT_OF_RANGE");
    assertRefused(with(valid, "concurrency", 501), "concurrency", "OUT_OF_RANGE");
    assertRefused(with(valid, "maxEvents", 0), "maxEvents", "OUT_OF_RANGE");
    assertRefused(with(valid, "agentId", "not-a-uuid"), "agentId", "INVALID_TYPE");
    assertRefused(with(valid, "runz", 3), "runz", "UNKNOWN_FIELD");
    assertRefused(
        with(valid, "labels", Map.of("git:commit", "x")), "labels.git:commit", "INVALID_KEY");
    assertRefused(
        with(
            valid,
            "mocking",
            Map.of("toolOverrides", Map.of("lookup", Map.of("output", 1, "error", "no")))),
        "mocking.toolOverrides.lookup",
        "INVALID_VALUE");
    assertRefused(
        with(
            valid,
            "mocking",
            Map.of("toolOverrides", Map.of("lookup", Map.of("output", 1, "delay", 5)))),
        "mocking.toolOverrides.lookup.delay",
        "UNKNOWN_FIELD");
    Http.Response missing =
        create(with(valid, "scenarioId", "00000000-0000-4000-8000-00000000dead"));
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void batchesOfEveryDialectAreListedNewestFirstByFilterAndPage() {
    String agentId = createAgent("/agent");
    String otherAgentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    List<String> ids = new ArrayList<>();
    ids.add(
        createdId(
            Map.of(
                "scenarioId",
                scenarioId,
                "agentId",
                agentId,
                "modelId",
                modelId,
                "labels",
                Map.of("branch", "main"))));
    ids.add(
        createdId(
            Map.of(
                "scenarioId",
                scenarioId,
                "agentId",
                agentId,
                "modelId",
                modelId,
                "labels",
                Map.of("branch", "dev", "commit", "abc", "suite", "smoke,nightly"))));
    Http.Response cognigy = schedule(scenarioId, scheduleBody(agentId, modelId, 1, Map.of()));
    assertThat(cognigy.status()).isEqualTo(201);
    ids.add((String) cognigy.body().get("id"));
    ids.add(
        createdId(Map.of("scenarioId", scenarioId, "agentId", otherAgentId, "modelId", modelId)));
    ids.forEach(this::await);

    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response page =
          http.get(
              "/v1/batches?projectId="
                  + PROJECT
                  + "&scenarioId="
                  + scenarioId
                  + "&limit=3"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.list("data").forEach(batch -> paged.add((String) batch.get("id")));
      cursor = (String) page.body().get("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(2);
    List<String> newestFirst = new ArrayList<>(ids);
    Collections.reverse(newestFirst);
    assertThat(paged).containsExactlyElementsOf(newestFirst);

    assertThat(listIds("&scenarioId=" + scenarioId + "&label=branch:dev"))
        .containsExactly(ids.get(1));
    assertThat(listIds("&scenarioId=" + scenarioId + "&label=branch:dev&label=commit:abc"))
        .containsExactly(ids.get(1));
    assertThat(listIds("&scenarioId=" + scenarioId + "&label=branch:main"))
        .containsExactly(ids.get(0));
    assertThat(listIds("&scenarioId=" + scenarioId + "&label=suite:smoke,nightly"))
        .containsExactly(ids.get(1));
    assertThat(listIds("&agentId=" + otherAgentId)).containsExactly(ids.get(3));
    assertThat(listIds("&scenarioId=" + scenarioId + "&status=completed")).hasSize(4);
    assertThat(listIds("&scenarioId=" + scenarioId + "&status=running")).isEmpty();
    assertThat(http.get("/v1/batches?projectId=other&scenarioId=" + scenarioId).list("data"))
        .isEmpty();

    assertThat(http.get("/v1/batches?projectId=" + PROJECT + "&status=done").body())
        .containsEntry("field", "status");
    assertThat(http.get("/v1/batches?projectId=" + PROJECT + "&label=branch").body())
        .containsEntry("field", "label");
    assertThat(http.get("/v1/batches?projectId=" + PROJECT + "&cursor=bogus").body())
        .containsEntry("field", "cursor");
    assertThat(http.get("/v1/batches?projectId=" + PROJECT + "&limit=0").body())
        .containsEntry("field", "limit");
  }

  @Test
  void aFinishedBatchIsDeletedWithItsRunsAndARunningOneIsNot() {
    String agentId = createAgent("/agent");
    String slowAgentId = createAgent("/slow-agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    String finished =
        createdId(
            Map.of("scenarioId", scenarioId, "agentId", agentId, "modelId", modelId, "runs", 2));
    await(finished);
    List<String> runIds = runIds(finished);
    assertThat(runIds).hasSize(2);
    assertThat(
            jdbc.sql(
                    "select count(*) from llm_calls c join runs r on r.id = c.run_id where r.batch_id = ?::uuid")
                .param(finished)
                .query(Integer.class)
                .single())
        .isPositive();

    assertThat(http.delete("/v1/batches/" + finished + "?projectId=other").status()).isEqualTo(404);
    assertThat(http.delete("/v1/batches/" + finished + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
    assertThat(http.get("/v1/batches/" + finished + "?projectId=" + PROJECT).status())
        .isEqualTo(404);
    assertThat(http.get("/v1/runs/" + runIds.get(0) + "?projectId=" + PROJECT).status())
        .isEqualTo(404);
    assertThat(
            jdbc.sql("select count(*) from runs where batch_id = ?::uuid")
                .param(finished)
                .query(Integer.class)
                .single())
        .isZero();
    assertThat(http.delete("/v1/batches/" + finished + "?projectId=" + PROJECT).status())
        .isEqualTo(404);

    String running =
        createdId(Map.of("scenarioId", scenarioId, "agentId", slowAgentId, "modelId", modelId));
    Http.Response refused = http.delete("/v1/batches/" + running + "?projectId=" + PROJECT);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body()).containsEntry("code", "BATCH_RUNNING");
    assertThat(
            http.post("/v1/batches/" + running + "/stop?projectId=" + PROJECT, Map.of()).status())
        .isEqualTo(202);
    assertThat(await(running)).containsEntry("status", "stopped");
    assertThat(http.delete("/v1/batches/" + running + "?projectId=" + PROJECT).status())
        .isEqualTo(204);
  }

  @Test
  void runsAreListedByVerdictSortedAndPagedAndOneRunShowsItsTranscript() {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    String batchId =
        createdId(
            Map.of("scenarioId", scenarioId, "agentId", agentId, "modelId", modelId, "runs", 3));
    await(batchId);
    String runs = "/v1/batches/" + batchId + "/runs?projectId=" + PROJECT;

    Http.Response first = http.get(runs + "&status=success&sort=sequence:desc&limit=2");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.list("data")).extracting(run -> run.get("sequence")).containsExactly(3, 2);
    assertThat(first.list("data").get(0))
        .containsEntry("verdict", "SUCCESS")
        .containsEntry("batchId", batchId)
        .doesNotContainKey("turns");
    Http.Response second =
        http.get(
            runs
                + "&status=success&sort=sequence:desc&limit=2&cursor="
                + first.body().get("nextCursor"));
    assertThat(second.list("data")).extracting(run -> run.get("sequence")).containsExactly(1);
    assertThat(second.body().get("nextCursor")).isNull();
    assertThat(http.get(runs + "&status=FAILED").list("data")).isEmpty();
    assertThat(http.get(runs + "&sort=length").body()).containsEntry("field", "sort");
    assertThat(http.get(runs + "&status=great").body()).containsEntry("field", "status");

    String runId = (String) first.list("data").get(0).get("id");
    Http.Response run = http.get("/v1/runs/" + runId + "?projectId=" + PROJECT);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body())
        .containsEntry("verdict", "SUCCESS")
        .containsEntry("status", "COMPLETED")
        .containsEntry("criteriaPassed", 3)
        .containsEntry("criteriaTotal", 3)
        .doesNotContainKey("error");
    assertThat(run.list("turns")).isNotEmpty();
    assertThat(run.list("turns").get(0)).containsEntry("sequence", 1).containsEntry("role", "user");
    assertThat(run.list("results"))
        .anySatisfy(
            result ->
                assertThat(result)
                    .containsEntry("type", "text")
                    .containsEntry("passed", true)
                    .containsEntry("reason", "The agent gave order number 7 [2]."));
    assertThat(run.object("usage")).containsKey("total");
    assertThat(http.get("/v1/runs/" + runId + "?projectId=other").status()).isEqualTo(404);
  }

  @Test
  void aBatchIsExportedAsJsonLinesCsvAndJunitXml() throws Exception {
    String agentId = createAgent("/agent");
    String modelId = createModel();
    String scenarioId =
        createScenario(
            Map.of(
                "successCriteria",
                List.of(
                    Map.of("type", "contains", "params", Map.of("value", "confirmed")),
                    Map.of(
                        "type", "contains", "params", Map.of("value", FAILING_CRITERION_VALUE)))));
    String batchId =
        createdId(
            Map.of(
                "scenarioId",
                scenarioId,
                "agentId",
                agentId,
                "modelId",
                modelId,
                "runs",
                3,
                "labels",
                Map.of("branch", "main")));
    await(batchId);
    String export = "/v1/batches/" + batchId + "/export?projectId=" + PROJECT + "&format=";

    HttpResponse<String> jsonl = download(export + "jsonl", "application/x-ndjson");
    assertThat(jsonl.statusCode()).isEqualTo(200);
    assertThat(jsonl.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/x-ndjson");
    List<Map<String, Object>> lines =
        jsonl
            .body()
            .lines()
            .map(line -> JSON.readValue(line, new TypeReference<Map<String, Object>>() {}))
            .toList();
    assertThat(lines).hasSize(3).extracting(line -> line.get("sequence")).containsExactly(1, 2, 3);
    String failedReason = null;
    for (Map<String, Object> line : lines) {
      assertThat(line)
          .containsEntry("verdict", "FAILED")
          .containsEntry("criteriaPassed", 1)
          .containsKeys("terminationReason", "usage", "turns");
      assertThat((List<?>) line.get("turns")).isNotEmpty();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> results = (List<Map<String, Object>>) line.get("results");
      Map<String, Object> failed =
          results.stream()
              .filter(result -> !(Boolean) result.get("passed"))
              .findFirst()
              .orElseThrow();
      failedReason = (String) failed.get("reason");
      assertThat(failedReason).isNotBlank();
    }

    HttpResponse<String> csv = download(export + "csv", "text/csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> reader =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(csv.body())) {
      reader.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0))
        .containsEntry("sequence", "1")
        .containsEntry("verdict", "FAILED")
        .containsEntry("criteriaPassed", "1")
        .containsEntry("criteriaTotal", "2")
        .containsEntry("failedCriteria", "contains: " + failedReason)
        .containsKeys("promptTokens", "cost");

    HttpResponse<String> junit = download(export + "junit", "application/xml");
    assertThat(junit.statusCode()).isEqualTo(200);
    assertThat(junit.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/xml");
    Element suite = parse(junit.body()).getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("3");
    assertThat(suite.getAttribute("errors")).isEqualTo("0");
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3);
    Element first = (Element) cases.item(0);
    assertThat(first.getAttribute("name")).isEqualTo("Order a pizza #1");
    assertThat(first.getAttribute("classname")).isEqualTo("Order a pizza");
    Element failure = (Element) first.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message")).isEqualTo("1 of 2 success criteria failed");
    assertThat(failure.getTextContent()).isEqualTo("contains: " + failedReason);
    assertThat(suite.getElementsByTagName("property"))
        .satisfies(
            properties -> {
              List<String> names = new ArrayList<>();
              for (int i = 0; i < properties.getLength(); i++) {
                names.add(((Element) properties.item(i)).getAttribute("name"));
              }
              assertThat(names).contains("batchId", "label.branch");
            });

    Http.Response badFormat = http.get(export + "pdf");
    assertThat(badFormat.status()).isEqualTo(400);
    assertThat(badFormat.body()).containsEntry("field", "format");
  }

  @Test
  void anErroredRunIsAJunitError() throws Exception {
    String agentId = createAgent("/broken-agent");
    String modelId = createModel();
    String scenarioId = createScenario(Map.of());
    String batchId =
        createdId(
            Map.of("scenarioId", scenarioId, "agentId", agentId, "modelId", modelId, "runs", 2));
    await(batchId);

    HttpResponse<String> junit =
        download(
            "/v1/batches/" + batchId + "/export?projectId=" + PROJECT + "&format=junit",
            "application/xml");
    Element suite = parse(junit.body()).getDocumentElement();
    assertThat(suite.getAttribute("tests")).isEqualTo("2");
    assertThat(suite.getAttribute("errors")).isEqualTo("2");
    assertThat(suite.getAttribute("failures")).isEqualTo("0");
    NodeList errors = suite.getElementsByTagName("error");
    assertThat(errors.getLength()).isEqualTo(2);
    assertThat(((Element) errors.item(0)).getAttribute("type")).startsWith("AI_AGENT");
    assertThat(((Element) errors.item(0)).getAttribute("message")).isNotBlank();
  }

  private Http.Response create(Map<String, Object> body) {
    return http.post("/v1/batches?projectId=" + PROJECT, body);
  }

  private String createdId(Map<String, Object> body) {
    Http.Response created = create(body);
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  private Map<String, Object> await(String batchId) {
    String path = "/v1/batches/" + batchId + "?projectId=" + PROJECT;
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !List.of("pending", "running").contains(http.get(path).body().get("status")));
    return http.get(path).body();
  }

  private List<String> listIds(String query) {
    Http.Response page = http.get("/v1/batches?projectId=" + PROJECT + query);
    assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
    return page.list("data").stream().map(batch -> (String) batch.get("id")).toList();
  }

  private List<String> runIds(String batchId) {
    return http.get("/v1/batches/" + batchId + "/runs?projectId=" + PROJECT).list("data").stream()
        .map(run -> (String) run.get("id"))
        .toList();
  }

  private void assertRefused(Map<String, Object> body, String field, String code) {
    Http.Response refused = create(body);
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body())
        .containsEntry("field", field)
        .containsEntry("code", code)
        .containsKey("traceId");
  }

  private HttpResponse<String> download(String path, String accept) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
    Map<String, Object> changed = new HashMap<>(body);
    changed.put(key, value);
    return changed;
  }

  private static Map<String, Object> without(Map<String, Object> body, String key) {
    Map<String, Object> changed = new HashMap<>(body);
    changed.remove(key);
    return changed;
  }
}
