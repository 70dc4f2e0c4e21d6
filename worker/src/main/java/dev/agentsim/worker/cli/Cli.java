package dev.agentsim.worker.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code agentsim} command line: a client of a running server's API, in the application's jar.
 * It starts no Spring context, so a command answers as fast as the JVM starts.
 *
 * <p>Exit codes: 0 success, 1 a suite's thresholds not met, 2 the command could not be carried out
 * (a bad file or option, the server unreachable, errors beyond what a suite tolerates).
 */
@Command(name = "agentsim", mixinStandardHelpOptions = true,
    description = "Tests conversational AI agents by simulation against an AgentSim server.")
public final class Cli {

  /** The first arguments that make {@code java -jar agentsim.jar} a command line rather than the server. */
  public static final Set<String> COMMANDS = Set.of("test", "apply", "batches", "runs", "export");

  static final int FAILED = 1;
  static final int NOT_DONE = 2;

  /**
   * What commands read from their surroundings, passed in so they can run in-process.
   *
   * @param terminal whether standard output is a terminal that takes ANSI escapes, so progress can
   *     be redrawn in place
   */
  record Context(Map<String, String> environment, PrintWriter out, boolean terminal) {}

  private Cli() {}

  /** Runs a command on the process's standard output, a terminal if picocli's ANSI detection says so. */
  public static int execute(Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
    return execute(environment, CommandLine.Help.Ansi.AUTO.enabled(), out, err, args);
  }

  public static int execute(Map<String, String> environment, boolean terminal, PrintStream out, PrintStream err,
      String... args) {
    PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    Context context = new Context(environment, outWriter, terminal);
    CommandLine commandLine = new CommandLine(new Cli())
        .addSubcommand("test", new TestCommand(context))
        .addSubcommand("apply", new ApplyCommand(context))
        .addSubcommand("batches", BatchesCommand.commandLine(context))
        .addSubcommand("runs", RunsCommand.commandLine(context))
        .addSubcommand("export", new ExportCommand(context))
        .setOut(outWriter)
        .setErr(errWriter)
        .setExecutionExceptionHandler((e, line, parsed) -> {
          if (!(e instanceof Failure)) {
            throw e;
          }
          line.getErr().println("error: " + e.getMessage());
          return NOT_DONE;
        });
    try {
      return commandLine.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }
}
