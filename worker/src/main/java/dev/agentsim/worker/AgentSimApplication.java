package dev.agentsim.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The one executable: the API, a Temporal worker, or both ({@code simulator.roles}). */
@SpringBootApplication(scanBasePackages = "dev.agentsim")
public class AgentSimApplication {

  public static void main(String[] args) {
    SpringApplication.run(AgentSimApplication.class, args);
  }
}
