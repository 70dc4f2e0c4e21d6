package dev.agentsim.workflows;

/** The judgement of one run: criteria met, not met, or the run could not be judged. */
public enum Verdict {
  SUCCESS,
  FAILED,
  ERROR
}
