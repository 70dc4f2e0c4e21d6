package dev.agentsim.worker.cli;

import dev.agentsim.store.definition.SuiteSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Applies suite files, runs every suite in them and checks the suites' thresholds.",
      "Exit code 0 when every suite passes, 1 when one fails its thresholds, 2 when the run could not be done."
    })
final class TestCommand implements Callable<Integer> {

  private static final List<String> UNFINISHED = List.of("pending", "running");
  private static final long POLL_MILLIS = 500;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Suite files (YAML)")
  List<Path> files;

  @Mixin ServerOptions server;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description = "Writes a JUnit XML report, one test case per run")
  Path junit;

  @Option(names = "--json", paramLabel = "FILE", description = "Writes a JSON summary")
  Path json;

  @Option(
      names = "--markdown",
      paramLabel = "FILE",
      description =
          "Writes a Markdown summary for a pull-request comment, with the failing runs' reasons")
  Path markdown;

  @Option(
      names = "--no-progress",
      description = {
        "Prints a line per suite when its counts change instead of "
            + "progress bars; also when the output is not a terminal or the variable CI is set"
      })
  boolean noProgress;

  private final Cli.Context context;

  TestCommand(Cli.Context context) {
    this.context = context;
  }

  /** A batch of one scenario of a suite, and its last state. */
  static final class Batch {
    final String scenario;
    JsonNode state;

    Batch(String scenario, JsonNode state) {
      this.scenario = scenario;
      this.state = state;
    }

    boolean finished() {
      return !UNFINISHED.contains(state.path("status").asString());
    }
  }

  /** A suite's runs and what its thresholds ask of them. */
  record Suite(SuiteSpec spec, List<Batch> batches) {

    int count(String field) {
      return batches.stream().mapToInt(batch -> batch.state.path(field).asInt()).sum();
    }

    int passed() {
      return count("succeededRuns");
    }

    int failed() {
      return count("failedRuns");
    }

    int errors() {
      return count("erroredRuns");
    }

    int done() {
      return passed() + failed() + errors() + count("stoppedRuns");
    }

    /**
     * SUCCESS among the runs that were judged: an ERROR run says nothing of the agent's answers.
     */
    double passRate() {
      int judged = passed() + failed();
      return judged == 0 ? 0 : (double) passed() / judged;
    }

    double minPassRate() {
      return spec.thresholds() == null || spec.thresholds().minPassRate() == null
          ? 1
          : spec.thresholds().minPassRate();
    }

    int maxErrors() {
      return spec.thresholds() == null || spec.thresholds().maxErrors() == null
          ? 0
          : spec.thresholds().maxErrors();
    }

    String result() {
      if (errors() > maxErrors()) {
        return "ERROR";
      }
      return passRate() >= minPassRate() ? "PASSED" : "FAILED";
    }

    String progress() {
      return "%s: %d/%d runs done, %d passed, %d failed, %d errors"
          .formatted(spec.name(), done(), count("runs"), passed(), failed(), errors());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Server client = server.connect(context);
    Map<String, String> ids = new HashMap<>();
    List<SuiteSpec> specs = new ArrayList<>();
    for (Path path : files) {
      SuiteFile file = SuiteFile.read(path, context.environment());
      JsonNode applied = ApplyCommand.apply(client, file);
      for (String outcome : ApplyCommand.OUTCOMES) {
        applied
            .path(outcome)
            .forEach(
                object ->
                    ids.put(
                        object.path("kind").asString() + "/" + object.path("name").asString(),
                        object.path("id").asString()));
      }
      specs.addAll(file.suites());
    }
    if (specs.isEmpty()) {
      throw new Failure("the files define no suite to run");
    }
    List<Suite> suites = new ArrayList<>();
    for (SuiteSpec spec : specs) {
      suites.add(new Suite(spec, schedule(client, spec, ids)));
    }
    await(client, suites);
    summary(suites);
    if (junit != null) {
      write(
          junit,
          JunitReport.merge(
              suites.stream()
                  .flatMap(
                      suite ->
                          suite.batches().stream()
                              .map(
                                  batch ->
                                      new JunitReport.Part(
                                          suite.spec().name(),
                                          client.junit(batch.state.path("id").asString()))))
                  .toList()));
    }
    if (json != null) {
      write(
          json,
          Server.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(jsonSummary(suites)));
    }
    if (markdown != null) {
      write(markdown, MarkdownReport.of(suites, client));
    }
    if (suites.stream().anyMatch(suite -> suite.result().equals("ERROR"))) {
      return Cli.NOT_DONE;
    }
    return suites.stream().allMatch(suite -> suite.result().equals("PASSED")) ? 0 : Cli.FAILED;
  }

  private List<Batch> schedule(Server client, SuiteSpec spec, Map<String, String> ids) {
    String agentId = id(client, ids, "agent", spec.agent());
    String modelId = spec.model() == null ? null : id(client, ids, "model", spec.model());
    List<Batch> batches = new ArrayList<>();
    for (String scenario : spec.scenarios()) {
      ObjectNode body =
          Server.JSON
              .createObjectNode()
              .put("scenarioId", id(client, ids, "scenario", scenario))
              .put("agentId", agentId);
      if (modelId != null) {
        body.put("modelId", modelId);
      }
      if (spec.runs() != null) {
        body.put("runs", spec.runs());
      }
      if (spec.concurrency() != null) {
        body.put("concurrency", spec.concurrency());
      }
      if (spec.mocking() != null) {
        body.set("mocking", Server.JSON.valueToTree(spec.mocking()));
      }
      body.putObject("labels").put("suite", spec.name());
      try {
        batches.add(new Batch(scenario, client.createBatch(body)));
      } catch (Failure e) {
        throw new Failure(
            "suite " + spec.name() + ", scenario " + scenario + ": " + e.getMessage(), e);
      }
    }
    return batches;
  }

  /**
   * The id of an object a suite names: one the files applied, else one the project already holds.
   */
  private static String id(Server client, Map<String, String> ids, String kind, String name) {
    return ids.computeIfAbsent(
        kind + "/" + name,
        key ->
            client
                .idByName(kind + "s", name)
                .orElseThrow(
                    () -> new Failure("no " + kind + " named " + name + " in the project")));
  }

  /** Polls the batches until all are finished, showing the suites' progress each time. */
  private void await(Server client, List<Suite> suites) throws InterruptedException {
    Progress progress = new Progress(context.out(), redraw(), System::nanoTime);
    while (true) {
      for (Suite suite : suites) {
        for (Batch batch : suite.batches()) {
          if (!batch.finished()) {
            batch.state = client.batch(batch.state.path("id").asString());
          }
        }
      }
      progress.show(suites);
      if (suites.stream().allMatch(suite -> suite.batches().stream().allMatch(Batch::finished))) {
        return;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Progress bars only where someone watches them: CI services set {@code CI}, and their logs keep
   * every redraw.
   */
  private boolean redraw() {
    String ci = context.environment().get("CI");
    return context.terminal()
        && !noProgress
        && (ci == null || ci.isEmpty() || ci.equalsIgnoreCase("false"));
  }

  private void summary(List<Suite> suites) {
    String row = "%-24s %6s %7s %7s %7s %10s %8s%n";
    context.out().println();
    context.out().printf(row, "SUITE", "RUNS", "PASSED", "FAILED", "ERRORS", "PASS RATE", "RESULT");
    for (Suite suite : suites) {
      context
          .out()
          .printf(
              row,
              suite.spec().name(),
              suite.count("runs"),
              suite.passed(),
              suite.failed(),
              suite.errors(),
              "%.0f%%".formatted(suite.passRate() * 100),
              suite.result());
    }
    for (Suite suite : suites) {
      if (suite.result().equals("FAILED")) {
        context
            .out()
            .printf(
                "%s: pass rate %.0f%% is below minPassRate %.0f%%%n",
                suite.spec().name(), suite.passRate() * 100, suite.minPassRate() * 100);
      } else if (suite.result().equals("ERROR")) {
        context
            .out()
            .printf(
                "%s: %d runs ended in error, more than maxErrors %d%n",
                suite.spec().name(), suite.errors(), suite.maxErrors());
      }
    }
  }

  private static ObjectNode jsonSummary(List<Suite> suites) {
    ObjectNode summary = Server.JSON.createObjectNode();
    ArrayNode items = summary.putArray("suites");
    for (Suite suite : suites) {
      ObjectNode item =
          items
              .addObject()
              .put("name", suite.spec().name())
              .put("result", suite.result())
              .put("runs", suite.count("runs"))
              .put("passed", suite.passed())
              .put("failed", suite.failed())
              .put("errors", suite.errors())
              .put("passRate", suite.passRate())
              .put("minPassRate", suite.minPassRate())
              .put("maxErrors", suite.maxErrors());
      ArrayNode batches = item.putArray("batches");
      suite
          .batches()
          .forEach(
              batch ->
                  batches
                      .addObject()
                      .put("scenario", batch.scenario)
                      .put("id", batch.state.path("id").asString())
                      .put("status", batch.state.path("status").asString())
                      .set("statistics", batch.state.path("statistics").deepCopy()));
    }
    return summary;
  }

  private static void write(Path path, String content) {
    try {
      Files.writeString(path, content);
    } catch (IOException e) {
      throw new Failure(path + ": cannot write the file: " + e.getMessage(), e);
    }
  }
}
