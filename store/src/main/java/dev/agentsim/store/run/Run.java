package dev.agentsim.store.run;

import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A run as stored: its lifecycle, its verdict once judged, and its transcript. */
public record Run(
    UUID id,
    UUID batchId,
    int sequence,
    RunStatus status,
    Verdict verdict,
    TerminationReason terminationReason,
    ErrorCategory errorCategory,
    String errorMessage,
    String technicalDetails,
    List<CriterionResult> results,
    List<Criterion> successCriteria,
    int maxTurns,
    boolean batchStopped,
    Instant createdAt,
    Instant completedAt,
    List<Turn> turns) {}
