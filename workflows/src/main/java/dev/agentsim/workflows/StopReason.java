package dev.agentsim.workflows;

/**
 * Why a batch ended before every run had finished on its own; {@code PRECISION_REACHED}: its pass
 * rate was as precise as the batch asked before all of its runs had started.
 */
public enum StopReason {
  USER_CANCELLED,
  STOP_ON_FAILURE,
  TIMEOUT,
  ERROR,
  PRECISION_REACHED
}
