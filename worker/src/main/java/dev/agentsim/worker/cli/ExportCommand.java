package dev.agentsim.worker.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Writes the project as a suite file.")
final class ExportCommand implements Callable<Integer> {

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
    Download.write(server.connect(context).exportProject(), output, context.out());
    return 0;
  }
}
