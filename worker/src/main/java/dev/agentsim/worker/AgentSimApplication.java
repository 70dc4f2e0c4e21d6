package dev.agentsim.worker;

import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.worker.cli.Cli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The one executable: the API, a Temporal worker, or both ({@code simulator.roles}); or, given a
 * command such as {@code test} first, the {@code agentsim} command line, which starts the
 * application in-process only when no {@code --server} is given.
 */
@SpringBootApplication(scanBasePackages = "dev.agentsim")
@EnableConfigurationProperties(SimulatorSettings.class)
public class AgentSimApplication {

  public static void main(String[] args) {
    if (args.length > 0 && Cli.COMMANDS.contains(args[0])) {
      // The console is the command's: the application it may start in-process logs errors only.
      // Set for the whole process, which is this command's alone, and above application.yml's
      // levels;
      // -Dlogging.threshold.console=info shows more.
      System.getProperties().putIfAbsent("logging.level.root", "warn");
      System.getProperties().putIfAbsent("logging.threshold.console", "error");
      System.exit(Cli.execute(System.getenv(), System.out, System.err, args));
    }
    SpringApplication.run(AgentSimApplication.class, args);
  }
}
