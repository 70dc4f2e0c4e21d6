package dev.agentsim.workflows.sweep;

/**
 * @param afterSeconds how long a batch or rejudge must have existed before it is checked, so one
 *     whose workflow is still being started is left alone
 */
public record SweepInput(long afterSeconds) {}
