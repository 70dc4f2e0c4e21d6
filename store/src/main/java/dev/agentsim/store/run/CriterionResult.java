package dev.agentsim.store.run;

import java.util.Map;

/** How one success criterion was judged. */
public record CriterionResult(String type, Map<String, Object> params, boolean passed, String reason) {}
