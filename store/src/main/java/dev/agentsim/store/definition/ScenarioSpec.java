package dev.agentsim.store.definition;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * What the simulated user is and wants, and how the conversation is judged.
 *
 * @param script when present, the simulated user says these lines in order instead of asking an LLM
 */
public record ScenarioSpec(
    @NotBlank String name,
    @NotNull @Valid Persona persona,
    @NotBlank String mission,
    @Valid List<@NotNull @Valid Criterion> successCriteria,
    @Min(1) @Max(200) Integer maxTurns,
    @Pattern(regexp = "user|agent", message = "must be user or agent") String firstSpeaker,
    List<@NotBlank String> script) implements Named {

  public static final int DEFAULT_MAX_TURNS = 10;

  public record Persona(@NotBlank String name, String description) {}

  /** One success criterion, as Cognigy spells it: {@code {"type": "text", "params": {...}}}. */
  public record Criterion(
      @NotNull @Pattern(regexp = "text|contains|not_contains|regex|max_turns|conversation_ended",
          message = "must be one of: text, contains, not_contains, regex, max_turns, conversation_ended")
      String type,
      Map<String, Object> params) {}

  public int maxTurnsOrDefault() {
    return maxTurns == null ? DEFAULT_MAX_TURNS : maxTurns;
  }

  public boolean agentSpeaksFirst() {
    return "agent".equals(firstSpeaker);
  }

  public List<Criterion> criteria() {
    return successCriteria == null ? List.of() : successCriteria;
  }

  public boolean scripted() {
    return script != null && !script.isEmpty();
  }
}
