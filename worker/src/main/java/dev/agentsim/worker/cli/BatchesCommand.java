package dev.agentsim.worker.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
    name = "batches",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, stops and exports batches.")
final class BatchesCommand {

  /** The most batches the server gives in one page. */
  private static final int PAGE_MAX = 100;

  private BatchesCommand() {}

  static CommandLine commandLine(Cli.Context context) {
    return new CommandLine(new BatchesCommand())
        .addSubcommand("list", new ListCommand(context))
        .addSubcommand("get", new GetCommand(context))
        .addSubcommand("stop", new StopCommand(context))
        .addSubcommand("export", new ExportCommand(context));
  }

  static int done(JsonNode batch) {
    return batch.path("succeededRuns").asInt()
        + batch.path("failedRuns").asInt()
        + batch.path("erroredRuns").asInt()
        + batch.path("stoppedRuns").asInt();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the project's batches, newest first.")
  static final class ListCommand implements Callable<Integer> {

    @Option(
        names = "--status",
        paramLabel = "S",
        description = "Only batches in this status, e.g. running, completed")
    String status;

    @Option(
        names = "--label",
        paramLabel = "KEY:VALUE",
        description = "Only batches with this label; repeatable, all must match")
    List<String> labels = new ArrayList<>();

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description =
            "How many batches at most, following the server's pages; default: ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--all", description = "Every batch, however many pages they take")
    boolean all;

    @Mixin ServerOptions server;

    private final Cli.Context context;

    ListCommand(Cli.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new Failure("--limit: must be at least 1");
      }
      Server client = server.connect(context);
      String row = "%-36s  %-10s %9s %7s %7s %7s  %s%n";
      context.out().printf(row, "ID", "STATUS", "DONE", "PASSED", "FAILED", "ERRORS", "CREATED");
      int shown = 0;
      String cursor = null;
      do {
        int wanted = all ? PAGE_MAX : Math.min(limit - shown, PAGE_MAX);
        JsonNode page = client.batches(status, labels, wanted, cursor);
        for (JsonNode batch : page.path("data")) {
          context
              .out()
              .printf(
                  row,
                  batch.path("id").asString(),
                  batch.path("status").asString(),
                  done(batch) + "/" + batch.path("runs").asInt(),
                  batch.path("succeededRuns").asInt(),
                  batch.path("failedRuns").asInt(),
                  batch.path("erroredRuns").asInt(),
                  batch.path("createdAt").asString());
          shown++;
        }
        cursor = page.path("nextCursor").asString(null);
      } while (cursor != null && (all || shown < limit));
      if (cursor != null) {
        context.out().println("more batches follow: a larger --limit or --all shows them");
      }
      return 0;
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Shows a batch's state and counts of runs.")
  static final class GetCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The batch's id")
    String id;

    @Mixin ServerOptions server;

    private final Cli.Context context;

    GetCommand(Cli.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      JsonNode batch = server.connect(context).batch(id);
      Map<String, String> lines = new LinkedHashMap<>();
      lines.put("id", batch.path("id").asString());
      lines.put("name", batch.path("name").asString());
      lines.put(
          "status",
          batch.path("status").asString()
              + (batch.hasNonNull("stopReason")
                  ? " (" + batch.path("stopReason").asString() + ")"
                  : ""));
      lines.put("runs", done(batch) + "/" + batch.path("runs").asInt() + " done");
      lines.put("passed", batch.path("succeededRuns").asString());
      lines.put("failed", batch.path("failedRuns").asString());
      lines.put("errors", batch.path("erroredRuns").asString());
      lines.put("stopped", batch.path("stoppedRuns").asString());
      lines.put("running", batch.path("runningRuns").asString());
      List<String> labels = new ArrayList<>();
      batch
          .path("labels")
          .properties()
          .forEach(label -> labels.add(label.getKey() + ":" + label.getValue().asString()));
      lines.put("labels", String.join(", ", labels));
      lines.put("created", batch.path("createdAt").asString());
      lines.put("completed", batch.path("completedAt").asString(""));
      lines.forEach((name, value) -> context.out().printf("%-10s %s%n", name + ":", value));
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stops a batch; its runs in flight keep their partial transcripts.")
  static final class StopCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The batch's id")
    String id;

    @Mixin ServerOptions server;

    private final Cli.Context context;

    StopCommand(Cli.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      JsonNode batch = server.connect(context).stopBatch(id);
      context
          .out()
          .printf(
              "stop requested for batch %s (status: %s)%n",
              batch.path("id").asString(), batch.path("status").asString());
      return 0;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Downloads a batch's runs: one per line, row or test case.")
  static final class ExportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The batch's id")
    String id;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "F",
        description = "jsonl, csv or junit")
    String format;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Where to write it; default: standard output")
    Path output;

    @Mixin ServerOptions server;

    private final Cli.Context context;

    ExportCommand(Cli.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Download.write(server.connect(context).exportBatch(id, format), output, context.out());
      return 0;
    }
  }
}
