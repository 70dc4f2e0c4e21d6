package dev.agentsim.workflows.retention;

import java.util.Map;

/**
 * What one cleanup deleted.
 *
 * @param rows rows deleted by table: {@code turns}, {@code llm_calls}, {@code judgements}, {@code
 *     evaluations}, {@code turn_results}, {@code remote_failures}, {@code runs}, {@code batches}
 */
public record RetentionReport(Map<String, Integer> rows) {}
