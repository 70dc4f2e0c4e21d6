package dev.agentsim.workflows;

/** Why a batch ended before every run had finished on its own. */
public enum StopReason {
  USER_CANCELLED, STOP_ON_FAILURE, TIMEOUT, ERROR
}
