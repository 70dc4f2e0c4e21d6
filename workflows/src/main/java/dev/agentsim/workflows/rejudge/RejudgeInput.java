package dev.agentsim.workflows.rejudge;

import dev.agentsim.workflows.RetrySettings;

/**
 * Input of one {@link RejudgeWorkflow}. The criteria to judge with are stored with the evaluation,
 * not carried here.
 *
 * @param evaluation the number of the new evaluation, 2 for the first rejudge
 * @param concurrency runs judged at once
 * @param retry how hard the judge's model is retried before a run's evaluation is ERROR
 * @param afterSequence runs up to this sequence are done; -1 at the start, more after
 *     continue-as-new
 */
public record RejudgeInput(
    String batchId, int evaluation, int concurrency, RetrySettings retry, int afterSequence) {

  RejudgeInput after(int sequence) {
    return new RejudgeInput(batchId, evaluation, concurrency, retry, sequence);
  }
}
