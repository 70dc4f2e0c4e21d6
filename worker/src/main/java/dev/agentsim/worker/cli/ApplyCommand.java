package dev.agentsim.worker.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = "Applies suite files: creates or updates the objects they define, by name.")
final class ApplyCommand implements Callable<Integer> {

  static final List<String> OUTCOMES = List.of("created", "updated", "unchanged");

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Suite files (YAML)")
  List<Path> files;

  @Mixin ServerOptions server;

  private final Cli.Context context;

  ApplyCommand(Cli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Server client = server.connect(context);
    for (Path path : files) {
      print(apply(client, SuiteFile.read(path, context.environment())));
    }
    return 0;
  }

  /** Applies a file; the server's error names the file's path of the problem. */
  static JsonNode apply(Server client, SuiteFile file) {
    try {
      return client.apply(file.document());
    } catch (Failure e) {
      throw new Failure(file.path() + ": " + e.getMessage(), e);
    }
  }

  private void print(JsonNode result) {
    for (String outcome : OUTCOMES) {
      for (JsonNode object : result.path(outcome)) {
        context
            .out()
            .printf(
                "%-9s %-8s %s (%s)%n",
                outcome,
                object.path("kind").asString(),
                object.path("name").asString(),
                object.path("id").asString());
      }
    }
  }
}
