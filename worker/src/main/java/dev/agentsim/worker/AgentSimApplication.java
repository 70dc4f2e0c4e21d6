package dev.agentsim.worker;

import dev.agentsim.worker.cli.Cli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The one executable: the API, a Temporal worker, or both ({@code simulator.roles}); or, given a
 * command such as {@code test} first, the {@code agentsim} command line, which starts the
 * application in-process only when no {@code --server} is given.
 */
@SpringBootApplication(scanBasePackages = "dev.agentsim")
public class AgentSimApplication {

  public static void main(String[] args) {
    if (args.length > 0 && Cli.COMMANDS.contains(args[0])) {
      System.exit(Cli.execute(System.getenv(), System.out, System.err, args));
    }
    SpringApplication.run(AgentSimApplication.class, args);
  }
}
