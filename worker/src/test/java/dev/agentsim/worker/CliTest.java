package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.agentsim.worker.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The agentsim command line run in-process against the application, as CI would run it. */
class CliTest extends EmbeddedAppTest {

  /** {@code %1$s}: the fakes' base URL; {@code %2$s}: what the passing criterion looks for. */
  private static final String SUITE =
      """
      models:
        - name: fake LLM
          provider: openai
          baseUrl: %1$s/v1
          model: fake-model
          apiKey: ${LLM_API_KEY}
      agents:
        - name: pizza bot
          type: http
          config: {url: "%1$s/agent", timeoutMs: 5000}
      scenarios:
        - name: Order a pizza
          persona: {name: Sam, description: Hungry}
          mission: Order a large pizza margherita
          maxTurns: 2
          successCriteria:
            - type: contains
              params: {value: %2$s}
      suites:
        - name: smoke
          agent: pizza bot
          model: fake LLM
          scenarios: [Order a pizza]
          runs: 3
          concurrency: 3
          thresholds: {minPassRate: 0.9, maxErrors: 0}
      """;

  @TempDir Path dir;

  record Outcome(int exitCode, String out, String err) {}

  @Test
  void aPassingSuiteExitsZeroAndWritesOneTestCasePerRun() throws Exception {
    Path junit = dir.resolve("report.xml");
    Path json = dir.resolve("summary.json");

    Outcome outcome =
        test(file("confirmed"), "--junit", junit.toString(), "--json", json.toString());

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.out()).contains("smoke: 3/3 runs done, 3 passed, 0 failed, 0 errors");
    assertThat(outcome.out()).containsPattern("smoke\\s+3\\s+3\\s+0\\s+0\\s+100%\\s+PASSED");
    Element report =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(junit.toFile())
            .getDocumentElement();
    assertThat(report.getTagName()).isEqualTo("testsuites");
    assertThat(report.getAttribute("tests")).isEqualTo("3");
    assertThat(report.getAttribute("failures")).isEqualTo("0");
    NodeList cases = report.getElementsByTagName("testcase");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      names.add(((Element) cases.item(i)).getAttribute("name"));
    }
    assertThat(names)
        .containsExactlyInAnyOrder("Order a pizza #1", "Order a pizza #2", "Order a pizza #3");
    JsonNode summary = JsonMapper.builder().build().readTree(json.toFile());
    assertThat(summary.path("suites").get(0).path("result").asString()).isEqualTo("PASSED");
    assertThat(summary.path("suites").get(0).path("passed").asInt()).isEqualTo(3);
    JsonNode statistics = summary.path("suites").get(0).path("batches").get(0).path("statistics");
    assertThat(statistics.path("judgedRuns").asInt()).isEqualTo(3);
    assertThat(statistics.path("passRate").asDouble()).isEqualTo(1.0);
    // Wilson 3/3: 3 / (3 + 1.96²)
    assertThat(statistics.path("interval").path("low").asDouble())
        .isCloseTo(0.4385, within(0.00005));
    assertThat(statistics.path("passHatK")).hasSize(3);
  }

  @Test
  void aSuiteBelowItsPassRateExitsOne() throws Exception {
    Outcome outcome = test(file("refund granted"));

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
    assertThat(outcome.out())
        .contains("smoke: 3/3 runs done, 0 passed, 3 failed, 0 errors")
        .contains("smoke: pass rate 0% is below minPassRate 90%");
  }

  @Test
  void aBadFileExitsTwoNamingThePathOfTheError() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file, SUITE.formatted(fakes.baseUrl(), "confirmed").replace("maxTurns: 2", "maxTurns: -1"));

    Outcome outcome = test(file);

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(file + ": scenarios[0].maxTurns");
  }

  @Test
  void anUnreachableServerExitsTwo() throws Exception {
    Outcome outcome =
        run(
            "test",
            file("confirmed").toString(),
            "--server",
            "http://127.0.0.1:1",
            "--project",
            "p");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("cannot reach the server at http://127.0.0.1:1");
  }

  @Test
  void applyListsWhatItCreatedThenThatNothingChanged() throws Exception {
    Path file = file("confirmed");
    String project = "cli-" + UUID.randomUUID();

    Outcome first =
        run("apply", file.toString(), "--server", "http://localhost:" + port, "--project", project);
    Outcome second =
        run("apply", file.toString(), "--server", "http://localhost:" + port, "--project", project);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out())
        .containsPattern("created\\s+agent\\s+pizza bot \\(")
        .containsPattern("created\\s+suite\\s+smoke \\(");
    assertThat(second.out())
        .containsPattern("unchanged\\s+model\\s+fake LLM \\(")
        .doesNotContain("created");
  }

  @Test
  void theDemoExampleSuitePassesAgainstTheDemoProject() {
    Outcome outcome =
        run(
            "test",
            Path.of("../examples/demo-suite.yaml").toString(),
            "--server",
            "http://localhost:" + port,
            "--project",
            "demo");

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.out())
        .containsPattern("demo smoke\\s+5\\s+\\d\\s+\\d\\s+0\\s+\\d+%\\s+PASSED");
  }

  @Test
  void batchesListShowsTheFinishedBatchWithItsCounts() throws Exception {
    String id = finishedBatch();

    Outcome listed =
        onBatchProject("batches", "list", "--status", "completed", "--label", "suite:smoke");
    Outcome none = onBatchProject("batches", "list", "--label", "suite:other");

    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out())
        .containsPattern("ID\\s+STATUS\\s+DONE\\s+PASSED\\s+FAILED\\s+ERRORS\\s+CREATED")
        .containsPattern(id + "\\s+completed\\s+3/3\\s+3\\s+0\\s+0\\s+\\d{4}-");
    assertThat(none.out()).doesNotContain(id);
  }

  @Test
  void batchesGetShowsTheCountersAndAnUnknownIdExitsTwo() throws Exception {
    String id = finishedBatch();
    String unknown = UUID.randomUUID().toString();

    Outcome got = onBatchProject("batches", "get", id);
    Outcome missing = onBatchProject("batches", "get", unknown);

    assertThat(got.exitCode()).as(got.toString()).isZero();
    assertThat(got.out())
        .contains("status:    completed")
        .contains("runs:      3/3 done")
        .contains("passed:    3")
        .contains("failed:    0")
        .contains("labels:    suite:smoke");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("error: Batch " + unknown + " not found");
  }

  @Test
  void batchesStopStopsARunningBatch() {
    String project = "cli-" + UUID.randomUUID();
    String agent =
        (String)
            http.post(
                    "/v1/agents?projectId=" + project,
                    Map.of(
                        "name",
                        "slow",
                        "type",
                        "http",
                        "config",
                        Map.of("url", fakes.baseUrl() + "/slow-agent", "timeoutMs", 5_000)))
                .body()
                .get("id");
    String model =
        (String)
            http.post(
                    "/v1/models?projectId=" + project,
                    Map.of(
                        "name",
                        "fake LLM",
                        "provider",
                        "openai",
                        "baseUrl",
                        fakes.baseUrl() + "/v1",
                        "model",
                        "fake-model",
                        "apiKey",
                        "sk"))
                .body()
                .get("id");
    String scenario =
        (String)
            http.post(
                    "/v1/scenarios?projectId=" + project,
                    Map.of(
                        "name",
                        "Wait",
                        "persona",
                        Map.of("name", "Sam", "description", "Patient"),
                        "mission",
                        "Wait",
                        "maxTurns",
                        10,
                        "successCriteria",
                        List.of(Map.of("type", "contains", "params", Map.of("value", "x")))))
                .body()
                .get("id");
    String batch =
        (String)
            http.post(
                    "/v1/batches?projectId=" + project,
                    Map.of("scenarioId", scenario, "agentId", agent, "modelId", model, "runs", 1))
                .body()
                .get("id");

    Outcome stopped =
        run("batches", "stop", batch, "--server", "http://localhost:" + port, "--project", project);

    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.out()).contains("stop requested for batch " + batch);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        http.get("/v1/batches/" + batch + "?projectId=" + project)
                            .body()
                            .get("status"))
                    .isEqualTo("stopped"));
  }

  @Test
  void batchesExportWritesTheFormatToStandardOutputOrAFile() throws Exception {
    String id = finishedBatch();
    Path csv = dir.resolve("runs.csv");

    Outcome jsonl = onBatchProject("batches", "export", id, "--format", "jsonl");
    Outcome toFile =
        onBatchProject("batches", "export", id, "--format", "csv", "--output", csv.toString());
    Outcome badFormat = onBatchProject("batches", "export", id, "--format", "pdf");

    assertThat(jsonl.exitCode()).as(jsonl.toString()).isZero();
    assertThat(jsonl.out().lines())
        .hasSize(3)
        .allSatisfy(
            line ->
                assertThat(JsonMapper.builder().build().readTree(line).path("verdict").asString())
                    .isEqualTo("SUCCESS"));
    assertThat(toFile.exitCode()).as(toFile.toString()).isZero();
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readAllLines(csv)).hasSize(4);
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("error: format");
  }

  @Test
  void runsShowPrintsTheTranscriptTheCriteriaAndTheVerdict() throws Exception {
    String id = finishedBatch();
    String runId =
        JsonMapper.builder()
            .build()
            .readTree(
                onBatchProject("batches", "export", id, "--format", "jsonl")
                    .out()
                    .lines()
                    .findFirst()
                    .orElseThrow())
            .path("id")
            .asString();

    Outcome shown = onBatchProject("runs", "show", runId);

    assertThat(shown.exitCode()).as(shown.toString()).isZero();
    assertThat(shown.out())
        .contains("user: I would like a large pizza margherita, please.")
        .contains("agent: Your order is confirmed, order number 7.")
        .containsPattern("criteria:\\s+passed contains value=confirmed: ")
        .contains("verdict: SUCCESS");
    assertThat(onBatchProject("runs", "show", UUID.randomUUID().toString()).exitCode())
        .isEqualTo(2);
  }

  @Test
  void exportWritesTheProjectAsASuiteFile() throws Exception {
    finishedBatch();
    Path file = dir.resolve("exported.yaml");

    Outcome toOut = onBatchProject("export");
    Outcome toFile = onBatchProject("export", "--output", file.toString());

    assertThat(toOut.exitCode()).as(toOut.toString()).isZero();
    assertThat(toOut.out())
        .contains("name: pizza bot")
        .contains("name: Order a pizza")
        .contains("name: smoke");
    assertThat(toFile.exitCode()).as(toFile.toString()).isZero();
    assertThat(Files.readString(file)).isEqualTo(toOut.out());
  }

  @Test
  void onATerminalTheProgressIsABarRedrawnInPlaceAndInCiPlainLines() throws Exception {
    Outcome terminal = run(Map.of("LLM_API_KEY", "sk"), true, testArgs(file("confirmed")));
    Outcome ci = run(Map.of("LLM_API_KEY", "sk", "CI", "true"), true, testArgs(file("confirmed")));

    assertThat(terminal.exitCode()).as(terminal.toString()).isZero();
    assertThat(terminal.out())
        .contains("\u001b[2Ksmoke [")
        .containsPattern("\\] 3/3  3 passed  0 failed  0 errors  done in ")
        .doesNotContain("runs done");
    assertThat(ci.out())
        .contains("smoke: 3/3 runs done, 3 passed, 0 failed, 0 errors")
        .doesNotContain("\u001b");
  }

  @Test
  void aFailingSuitesMarkdownNamesItsFailingRunsWithTheirReasonsAndItsJunitValidates()
      throws Exception {
    Path markdown = dir.resolve("summary.md");
    Path junit = dir.resolve("report.xml");

    Outcome outcome =
        test(
            file("refund granted"), "--markdown", markdown.toString(), "--junit", junit.toString());

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
    String md = Files.readString(markdown);
    assertThat(md)
        .startsWith("## AgentSim: 1 of 1 suites did not pass\n")
        .contains("| smoke | 3 | 0 | 3 | 0 | 0% | pass rate ≥ 90%, errors ≤ 0 | ❌ FAILED |")
        .contains("### smoke: failing runs")
        .containsPattern(
            "\\| Order a pizza #1 \\| `[0-9a-f-]{36}` \\| FAILED \\| \\*\\*contains value=refund granted\\*\\*: .+ \\|")
        .contains("Order a pizza #2")
        .contains("Order a pizza #3")
        .containsPattern(
            "- smoke, Order a pizza: `[0-9a-f-]{36}`, pass rate 0% of 3 judged \\(95% interval 0–56%\\), "
                + "pass\\^k for k = 1..3: 0.00 0.00 0.00");
    assertValidJunit(junit);
  }

  @Test
  void aPassingSuitesJunitReportValidatesAgainstTheJunitSchema() throws Exception {
    Path junit = dir.resolve("report.xml");

    Outcome outcome = test(file("confirmed"), "--junit", junit.toString());

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertValidJunit(junit);
  }

  private static void assertValidJunit(Path report) throws Exception {
    javax.xml.validation.Schema schema =
        javax.xml.validation.SchemaFactory.newInstance(javax.xml.XMLConstants.W3C_XML_SCHEMA_NS_URI)
            .newSchema(CliTest.class.getResource("/junit/junit.xsd"));
    schema.newValidator().validate(new javax.xml.transform.stream.StreamSource(report.toFile()));
  }

  @Test
  void batchesListFollowsTheCursorThroughEveryPage() {
    String page =
        """
        {"data": [{"id": "%s", "status": "completed", "runs": 1, "succeededRuns": 1, "failedRuns": 0,
                   "erroredRuns": 0, "stoppedRuns": 0, "createdAt": "2025-01-0%dT10:00:00Z"}], "nextCursor": %s}""";
    fakes.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/batches"))
            .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.absent())
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson(
                    page.formatted("batch-3", 3, "\"c2\""))));
    fakes.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/batches"))
            .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.equalTo("c2"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson(
                    page.formatted("batch-2", 2, "\"c1\""))));
    fakes.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/batches"))
            .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.equalTo("c1"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson(
                    page.formatted("batch-1", 1, "null"))));

    Outcome all = run("batches", "list", "--all", "--server", fakes.baseUrl(), "--project", "p");
    Outcome two =
        run("batches", "list", "--limit", "2", "--server", fakes.baseUrl(), "--project", "p");

    assertThat(all.exitCode()).as(all.toString()).isZero();
    assertThat(all.out().lines().skip(1).map(line -> line.split(" ")[0]))
        .containsExactly("batch-3", "batch-2", "batch-1");
    assertThat(two.out().lines().skip(1).map(line -> line.split(" ")[0]))
        .containsExactly("batch-3", "batch-2", "more");
    assertThat(two.out()).contains("more batches follow: a larger --limit or --all shows them");
  }

  /** The batches' project: the suite {@code smoke} ran once in it, its 3 runs passed. */
  private static final String BATCH_PROJECT = "cli-" + UUID.randomUUID();

  private static String finishedBatchId;

  private synchronized String finishedBatch() throws Exception {
    if (finishedBatchId == null) {
      Path json = dir.resolve("batch.json");
      Outcome outcome =
          run(
              "test",
              file("confirmed").toString(),
              "--server",
              "http://localhost:" + port,
              "--project",
              BATCH_PROJECT,
              "--json",
              json.toString());
      assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
      finishedBatchId =
          JsonMapper.builder()
              .build()
              .readTree(json.toFile())
              .path("suites")
              .get(0)
              .path("batches")
              .get(0)
              .path("id")
              .asString();
    }
    return finishedBatchId;
  }

  private Outcome onBatchProject(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", "http://localhost:" + port, "--project", BATCH_PROJECT));
    return run(all.toArray(String[]::new));
  }

  private Path file(String expected) throws Exception {
    Path file = dir.resolve(UUID.randomUUID() + ".yaml");
    Files.writeString(file, SUITE.formatted(fakes.baseUrl(), expected));
    return file;
  }

  private Outcome test(Path file, String... options) {
    return run(testArgs(file, options));
  }

  private String[] testArgs(Path file, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "test",
                file.toString(),
                "--server",
                "http://localhost:" + port,
                "--project",
                "cli-" + UUID.randomUUID()));
    args.addAll(List.of(options));
    return args.toArray(String[]::new);
  }

  private static Outcome run(String... args) {
    return run(Map.of("LLM_API_KEY", "sk-from-the-environment"), false, args);
  }

  private static Outcome run(Map<String, String> environment, boolean terminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        Cli.execute(
            environment,
            terminal,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Outcome(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
