package dev.agentsim.workflows.batch;

import io.temporal.common.SearchAttributeKey;

/** Custom search attributes, so a person can find a batch and its runs in the Temporal Web UI. */
public final class SimulationSearchAttributes {
  public static final SearchAttributeKey<String> PROJECT =
      SearchAttributeKey.forKeyword("SimulationProject");
  public static final SearchAttributeKey<String> BATCH =
      SearchAttributeKey.forKeyword("SimulationBatch");
  public static final SearchAttributeKey<String> SCENARIO =
      SearchAttributeKey.forKeyword("SimulationScenario");
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("SimulationStatus");

  private SimulationSearchAttributes() {}
}
