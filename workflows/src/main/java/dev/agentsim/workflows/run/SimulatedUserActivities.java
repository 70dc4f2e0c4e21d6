package dev.agentsim.workflows.run;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The simulated user: an LLM playing the scenario's persona, or the scenario's script. */
@ActivityInterface
public interface SimulatedUserActivities {

  /**
   * Produces and stores the user's next message. Throws an {@code ApplicationFailure} of type
   * {@code LLM_PROVIDER_ERROR} when the model cannot be reached.
   */
  @ActivityMethod
  TurnResult userTurn(TurnRequest request);
}
