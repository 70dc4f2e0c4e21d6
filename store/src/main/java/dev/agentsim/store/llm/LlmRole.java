package dev.agentsim.store.llm;

/** What an LLM call was made for. */
public enum LlmRole {
  /** The simulated user's next message. */
  USER,
  /** A {@code text} success criterion. */
  JUDGE,
  /** The run's sentiment and summary. */
  SUMMARY
}
