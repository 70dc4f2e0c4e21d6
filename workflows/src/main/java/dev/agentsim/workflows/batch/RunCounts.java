package dev.agentsim.workflows.batch;

import dev.agentsim.workflows.run.RunOutcome;

/** Finished runs of a batch by verdict; {@code stopped} were cancelled before being judged. */
public record RunCounts(int succeeded, int failed, int errored, int stopped) {

  public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0);

  public RunCounts plus(RunOutcome outcome) {
    if (outcome.verdict() == null) {
      return new RunCounts(succeeded, failed, errored, stopped + 1);
    }
    return switch (outcome.verdict()) {
      case SUCCESS -> new RunCounts(succeeded + 1, failed, errored, stopped);
      case FAILED -> new RunCounts(succeeded, failed + 1, errored, stopped);
      case ERROR -> new RunCounts(succeeded, failed, errored + 1, stopped);
    };
  }

  public int finished() {
    return succeeded + failed + errored + stopped;
  }
}
