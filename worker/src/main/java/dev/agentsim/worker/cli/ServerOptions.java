package dev.agentsim.worker.cli;

import picocli.CommandLine.Option;

/**
 * Where the server is and who is asking; without a server, the embedded one started for the
 * command.
 */
final class ServerOptions {

  static final String API_KEY_VARIABLE = "AGENTSIM_API_KEY";

  /**
   * The project of a command on the embedded server: the demo's, so the demo suite runs as it is.
   */
  static final String LOCAL_PROJECT = "demo";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The AgentSim server, e.g. http://localhost:8080; default: one on embedded defaults, started for this command and stopped after it")
  String url;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "The credential, sent as X-API-Key; default: $" + API_KEY_VARIABLE)
  String apiKey;

  @Option(
      names = "--project",
      paramLabel = "P",
      description =
          "The project; required with --server, default "
              + LOCAL_PROJECT
              + " on the embedded server")
  String project;

  /** Points the command at the embedded server. */
  void local(String localUrl) {
    url = localUrl;
    if (project == null) {
      project = LOCAL_PROJECT;
    }
  }

  Server connect(Cli.Context context) {
    if (project == null) {
      throw new Failure("--project is required with --server");
    }
    return new Server(
        url, apiKey != null ? apiKey : context.environment().get(API_KEY_VARIABLE), project);
  }
}
