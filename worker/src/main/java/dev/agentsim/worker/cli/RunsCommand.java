package dev.agentsim.worker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Shows runs.")
final class RunsCommand {

  private RunsCommand() {}

  static CommandLine commandLine(Cli.Context context) {
    return new CommandLine(new RunsCommand()).addSubcommand("show", new ShowCommand(context));
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows a run: its transcript, each criterion's result with its reason, and the verdict.")
  static final class ShowCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run's id")
    String id;

    @Mixin ServerOptions server;

    private final Cli.Context context;

    ShowCommand(Cli.Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      JsonNode run = server.connect(context).run(id);
      context
          .out()
          .printf(
              "run %s (#%d of batch %s): %s%n%n",
              run.path("id").asString(),
              run.path("sequence").asInt(),
              run.path("batchId").asString(),
              run.path("status").asString());
      for (JsonNode turn : run.path("turns")) {
        print(turn.path("role").asString(), text(turn));
      }
      if (!run.path("results").isEmpty()) {
        context.out().println();
        context.out().println("criteria:");
        for (JsonNode result : run.path("results")) {
          context
              .out()
              .printf(
                  "  %-6s %s: %s%n",
                  result.path("passed").asBoolean() ? "passed" : "failed",
                  criterion(result),
                  result.path("reason").asString(""));
        }
      }
      context.out().println();
      JsonNode error = run.path("error");
      if (!error.isMissingNode()) {
        context
            .out()
            .printf(
                "error: %s: %s%n",
                error.path("category").asString(), error.path("message").asString(""));
      }
      context
          .out()
          .printf(
              "verdict: %s (%d/%d criteria passed, ended by %s)%n",
              run.path("verdict").asString("none"),
              run.path("criteriaPassed").asInt(),
              run.path("criteriaTotal").asInt(),
              run.path("terminationReason").asString("nothing yet"));
      return 0;
    }

    /**
     * A tool call as {@code name(arguments) → result}; the agent's and user's messages as they are.
     */
    private static String text(JsonNode turn) {
      JsonNode data = turn.path("data");
      if (!"tool".equals(turn.path("role").asString()) || !data.has("name")) {
        return turn.path("text").asString("");
      }
      JsonNode outcome = data.has("error") ? data.path("error") : data.path("result");
      return "%s(%s) → %s%s"
          .formatted(
              data.path("name").asString(),
              Server.JSON.writeValueAsString(data.path("arguments")),
              data.has("error") ? "error: " : "",
              outcome.isString() ? outcome.asString() : Server.JSON.writeValueAsString(outcome));
    }

    /** One message per line; the lines of a long message indented under its role. */
    private void print(String role, String text) {
      String label = (role.equals("tool") ? "tool call" : role) + ": ";
      String indent = " ".repeat(label.length());
      List<String> lines = new ArrayList<>(text.lines().toList());
      if (lines.isEmpty()) {
        lines.add("");
      }
      context.out().println(label + lines.get(0));
      lines.stream().skip(1).forEach(line -> context.out().println(indent + line));
    }

    /** A criterion as {@code type param=value, ...}. */
    static String criterion(JsonNode result) {
      List<String> params = new ArrayList<>();
      result
          .path("params")
          .properties()
          .forEach(
              param ->
                  params.add(
                      param.getKey()
                          + "="
                          + (param.getValue().isString()
                              ? param.getValue().asString()
                              : Server.JSON.writeValueAsString(param.getValue()))));
      return result.path("type").asString()
          + (params.isEmpty() ? "" : " " + String.join(", ", params));
    }
  }
}
