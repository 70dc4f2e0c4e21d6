package dev.agentsim.worker.cli;

import picocli.CommandLine.Option;

/** Where the server is and who is asking. */
final class ServerOptions {

  static final String API_KEY_VARIABLE = "AGENTSIM_API_KEY";

  @Option(names = "--server", required = true, paramLabel = "URL", description = "The AgentSim server, e.g. http://localhost:8080")
  String url;

  @Option(names = "--api-key", paramLabel = "KEY", description = "The credential, sent as X-API-Key; default: $" + API_KEY_VARIABLE)
  String apiKey;

  @Option(names = "--project", required = true, paramLabel = "P", description = "The project the files are applied to")
  String project;

  Server connect(Cli.Context context) {
    return new Server(url, apiKey != null ? apiKey : context.environment().get(API_KEY_VARIABLE), project);
  }
}
