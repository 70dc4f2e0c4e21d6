package dev.agentsim.workflows;

/**
 * Why a run could not be judged. Activities throw {@code ApplicationFailure}s whose type is one of
 * these names, so the workflow classifies a failure without knowing where it came from.
 */
public enum ErrorCategory {
  NONE,
  LLM_PROVIDER_ERROR,
  AI_AGENT_TIMEOUT,
  AI_AGENT_ERROR,
  UNKNOWN
}
