package dev.agentsim.activities.user;

import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Persona;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulated user is told, placeholders filled: the scenario's dynamic variables, with the
 * batch's taking precedence.
 *
 * @param firstMessage said as it is for the first message; null to ask the LLM
 * @param script the lines of a scripted user; empty for an LLM one
 * @param minTurns exchanges before an end signal is honoured
 */
record UserBrief(
    Persona persona, String mission, String firstMessage, List<String> script, int minTurns) {

  static UserBrief of(ScenarioSpec scenario, Persona persona, Map<String, String> batchVariables) {
    Map<String, String> variables = new HashMap<>(scenario.variables());
    if (batchVariables != null) {
      variables.putAll(batchVariables);
    }
    Persona filled =
        persona == null
            ? null
            : new Persona(
                Placeholders.fill(persona.name(), variables),
                Placeholders.fill(persona.description(), variables),
                Placeholders.fill(persona.traits(), variables),
                Placeholders.fill(persona.language(), variables),
                Placeholders.fill(persona.knownInfo(), variables),
                Placeholders.fill(persona.style(), variables));
    List<String> script =
        scenario.scripted()
            ? scenario.script().stream().map(line -> Placeholders.fill(line, variables)).toList()
            : List.of();
    String firstMessage =
        scenario.firstMessage() == null || scenario.firstMessage().isBlank()
            ? null
            : Placeholders.fill(scenario.firstMessage(), variables);
    return new UserBrief(
        filled,
        Placeholders.fill(scenario.mission(), variables),
        firstMessage,
        script,
        scenario.minTurnsOrDefault());
  }

  boolean scripted() {
    return !script.isEmpty();
  }
}
