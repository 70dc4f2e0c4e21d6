package dev.agentsim.worker.cli;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The suites' results in Markdown as a pull-request comment shows it: a table of the suites, then
 * each suite's failing runs with the criteria they failed and why, so a reviewer sees what broke
 * without opening the CI log; last each batch with how sure its pass rate is.
 */
final class MarkdownReport {

  /** Failing runs listed per suite; a comment is for reading, the JUnit report holds them all. */
  static final int RUNS_SHOWN = 10;

  private MarkdownReport() {}

  static String of(List<TestCommand.Suite> suites, Server client) {
    StringBuilder md = new StringBuilder();
    long notPassed = suites.stream().filter(suite -> !suite.result().equals("PASSED")).count();
    md.append("## AgentSim: ")
        .append(
            notPassed == 0
                ? "all %d suites passed".formatted(suites.size())
                : "%d of %d suites did not pass".formatted(notPassed, suites.size()))
        .append("\n\n");
    md.append("| Suite | Runs | Passed | Failed | Errors | Pass rate | Thresholds | Result |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (TestCommand.Suite suite : suites) {
      md.append(
          "| %s | %d | %d | %d | %d | %.0f%% | pass rate ≥ %.0f%%, errors ≤ %d | %s |\n"
              .formatted(
                  cell(suite.spec().name()),
                  suite.count("runs"),
                  suite.passed(),
                  suite.failed(),
                  suite.errors(),
                  suite.passRate() * 100,
                  suite.minPassRate() * 100,
                  suite.maxErrors(),
                  result(suite.result())));
    }
    for (TestCommand.Suite suite : suites) {
      failingRuns(md, suite, client);
    }
    md.append("\nBatches:\n\n");
    for (TestCommand.Suite suite : suites) {
      for (TestCommand.Batch batch : suite.batches()) {
        md.append(
            "- %s, %s: `%s`%s\n"
                .formatted(
                    suite.spec().name(),
                    batch.scenario,
                    batch.state.path("id").asString(),
                    statistics(batch.state.path("statistics"))));
      }
    }
    return md.toString();
  }

  /** The batch's pass rate with its 95% interval and pass^k, when it judged any run. */
  private static String statistics(JsonNode statistics) {
    if (!statistics.has("passRate")) {
      return "";
    }
    List<String> passHatK = new ArrayList<>();
    statistics
        .path("passHatK")
        .forEach(k -> passHatK.add("%.2f".formatted(k.path("estimate").asDouble())));
    return ", pass rate %.0f%% of %d judged (95%% interval %.0f–%.0f%%), pass^k for k = 1..%d: %s"
        .formatted(
            statistics.path("passRate").asDouble() * 100,
            statistics.path("judgedRuns").asInt(),
            statistics.path("interval").path("low").asDouble() * 100,
            statistics.path("interval").path("high").asDouble() * 100,
            passHatK.size(),
            String.join(" ", passHatK));
  }

  private static void failingRuns(StringBuilder md, TestCommand.Suite suite, Server client) {
    int failing = suite.failed() + suite.errors();
    if (failing == 0) {
      return;
    }
    List<String> rows = new ArrayList<>();
    for (TestCommand.Batch batch : suite.batches()) {
      for (String verdict : List.of("FAILED", "ERROR")) {
        if (rows.size() < RUNS_SHOWN) {
          for (JsonNode run :
              client
                  .runs(batch.state.path("id").asString(), verdict, RUNS_SHOWN - rows.size())
                  .path("data")) {
            rows.add(
                "| %s #%d | `%s` | %s | %s |"
                    .formatted(
                        cell(batch.scenario),
                        run.path("sequence").asInt(),
                        run.path("id").asString(),
                        verdict,
                        cell(why(run))));
          }
        }
      }
    }
    md.append("\n### ").append(cell(suite.spec().name())).append(": failing runs\n\n");
    md.append("| Run | Id | Verdict | Why |\n| --- | --- | --- | --- |\n");
    rows.forEach(row -> md.append(row).append('\n'));
    if (failing > rows.size()) {
      md.append(
          "\n… and %d more; `agentsim runs show ID` shows a run.\n"
              .formatted(failing - rows.size()));
    }
  }

  /**
   * The failed criteria with their reasons, or what went wrong when the run could not be judged.
   */
  private static String why(JsonNode run) {
    JsonNode error = run.path("error");
    if (!error.isMissingNode()) {
      return error.path("category").asString() + ": " + error.path("message").asString("");
    }
    List<String> reasons = new ArrayList<>();
    for (JsonNode result : run.path("results")) {
      if (!result.path("passed").asBoolean()) {
        reasons.add(
            "**"
                + RunsCommand.ShowCommand.criterion(result)
                + "**: "
                + result.path("reason").asString(""));
      }
    }
    return String.join("<br>", reasons);
  }

  private static String result(String result) {
    return switch (result) {
      case "PASSED" -> "✅ PASSED";
      case "FAILED" -> "❌ FAILED";
      default -> "⚠️ ERROR";
    };
  }

  /** Text that keeps a table's row whole: no pipes, no line breaks. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }
}
