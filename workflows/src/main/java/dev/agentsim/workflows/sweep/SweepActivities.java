package dev.agentsim.workflows.sweep;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface SweepActivities {

  /** Checks every batch and rejudge under way for longer than the input says against Temporal. */
  SweepReport sweep(SweepInput input);
}
