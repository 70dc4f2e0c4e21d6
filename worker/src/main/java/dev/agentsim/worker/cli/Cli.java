package dev.agentsim.worker.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

/**
 * The {@code agentsim} command line: a client of a server's API, in the application's jar. With
 * {@code --server} it starts no Spring context, so a command answers as fast as the JVM starts;
 * without, {@code test}, {@code apply} and {@code export} run on the application started in-process
 * on its embedded defaults for the command ({@link LocalStack}).
 *
 * <p>Exit codes: 0 success, 1 a suite's thresholds not met, 2 the command could not be carried out
 * (a bad file or option, the server unreachable, errors beyond what a suite tolerates).
 */
@Command(
    name = "agentsim",
    mixinStandardHelpOptions = true,
    description =
        "Tests conversational AI agents by simulation, against an AgentSim server or one started for the command.")
public final class Cli {

  /**
   * The first arguments that make {@code java -jar agentsim.jar} a command line rather than the
   * server.
   */
  public static final Set<String> COMMANDS = Set.of("test", "apply", "batches", "runs", "export");

  /** The commands that make sense on a server with a fresh database, started for them alone. */
  private static final Set<String> LOCAL = Set.of("test", "apply", "export");

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

  /**
   * Runs a command on the process's standard output, a terminal if picocli's ANSI detection says
   * so.
   */
  public static int execute(
      Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
    return execute(environment, CommandLine.Help.Ansi.AUTO.enabled(), out, err, args);
  }

  public static int execute(
      Map<String, String> environment,
      boolean terminal,
      PrintStream out,
      PrintStream err,
      String... args) {
    PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    Context context = new Context(environment, outWriter, terminal);
    CommandLine commandLine =
        new CommandLine(new Cli())
            .addSubcommand("test", new TestCommand(context))
            .addSubcommand("apply", new ApplyCommand(context))
            .addSubcommand("batches", BatchesCommand.commandLine(context))
            .addSubcommand("runs", RunsCommand.commandLine(context))
            .addSubcommand("export", new ExportCommand(context))
            .setExecutionStrategy(Cli::onServer)
            .setOut(outWriter)
            .setErr(errWriter)
            .setExecutionExceptionHandler(
                (e, line, parsed) -> {
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

  /**
   * Runs the command against its {@code --server}, or else against the embedded server, stopped
   * after it.
   */
  private static int onServer(ParseResult parsed) {
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    ParseResult command = parsed;
    while (command.hasSubcommand()) {
      command = command.subcommand();
    }
    ServerOptions options = serverOptions(command.commandSpec());
    if (options == null || options.url != null) {
      return new RunLast().execute(parsed);
    }
    CommandLine line = command.commandSpec().commandLine();
    if (!LOCAL.contains(parsed.subcommand().commandSpec().name())) {
      throw new ExecutionException(
          line,
          "",
          new Failure(
              command.commandSpec().qualifiedName()
                  + " needs --server: it reads what ran on a server,"
                  + " and one started for this command alone has run nothing"));
    }
    long started = System.nanoTime();
    try (LocalStack stack = startLocal(line)) {
      line.getErr()
          .printf(
              "Started an embedded AgentSim at %s for this command in %.1f s%n",
              stack.url(), (System.nanoTime() - started) / 1e9);
      options.local(stack.url());
      return new RunLast().execute(parsed);
    }
  }

  private static LocalStack startLocal(CommandLine line) {
    try {
      return LocalStack.start();
    } catch (Failure e) {
      throw new ExecutionException(line, e.getMessage(), e);
    }
  }

  private static ServerOptions serverOptions(CommandSpec command) {
    return command.mixins().values().stream()
        .map(CommandSpec::userObject)
        .filter(ServerOptions.class::isInstance)
        .map(ServerOptions.class::cast)
        .findFirst()
        .orElse(null);
  }
}
