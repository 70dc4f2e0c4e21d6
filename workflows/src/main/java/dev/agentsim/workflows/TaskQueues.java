package dev.agentsim.workflows;

public final class TaskQueues {
  /** The one task queue every simulation workflow and activity runs on. */
  public static final String SIMULATION = "simulation";

  private TaskQueues() {}
}
