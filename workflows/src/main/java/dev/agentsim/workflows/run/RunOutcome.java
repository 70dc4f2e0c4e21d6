package dev.agentsim.workflows.run;

import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;

/**
 * What a finished run reports to its batch.
 *
 * @param verdict null when the run was stopped before it could be judged
 * @param reason null when the run failed before its conversation could even be recorded
 */
public record RunOutcome(
    int sequence, Verdict verdict, TerminationReason reason, ErrorCategory category) {

  public boolean stopped() {
    return reason == TerminationReason.CANCELLED;
  }

  public boolean failed() {
    return verdict == Verdict.FAILED || verdict == Verdict.ERROR;
  }
}
