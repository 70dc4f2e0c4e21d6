package dev.agentsim.store.run;

import dev.agentsim.workflows.Verdict;
import java.util.List;
import java.util.UUID;

/**
 * A run's latest verdict and criteria results, without its transcript.
 *
 * @param verdict null while the run runs, or when its batch stopped it
 */
public record RunVerdict(UUID id, int sequence, Verdict verdict, List<CriterionResult> results) {}
