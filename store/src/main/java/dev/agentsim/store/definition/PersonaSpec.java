package dev.agentsim.store.definition;

import jakarta.validation.constraints.NotBlank;
import java.util.Map;

/**
 * Who the simulated user is, kept on its own so several scenarios can share it. Its fields may hold
 * {@code {{name}}} placeholders, filled from the scenario's and the batch's dynamic variables.
 *
 * @param traits how the user behaves, e.g. {@code patience: low}, {@code tech-savviness: high}
 * @param language the language every message is written in
 * @param knownInfo facts the user may reveal when the agent asks, e.g. {@code orderNumber: 1234};
 *     the user invents no others
 * @param style notes on how the user writes
 */
public record PersonaSpec(
    @NotBlank String name,
    String description,
    Map<String, String> traits,
    String language,
    Map<String, String> knownInfo,
    String style)
    implements Named {

  /** The same persona, as a scenario embeds it. */
  public ScenarioSpec.Persona embedded() {
    return new ScenarioSpec.Persona(name, description, traits, language, knownInfo, style);
  }
}
