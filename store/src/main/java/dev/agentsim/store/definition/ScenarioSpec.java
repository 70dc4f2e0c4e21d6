package dev.agentsim.store.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the simulated user is and wants, and how the conversation is judged.
 *
 * @param persona the simulated user, embedded; exactly one of {@code persona} and {@code personaId}
 * @param personaId a stored persona of the same project
 * @param script when present, the simulated user says these lines in order instead of asking an LLM
 * @param dynamicVariables values for {@code {{name}}} placeholders in the persona, mission, {@code
 *     firstMessage} and script; a batch's own override them
 * @param firstMessage the simulated user's first message, said as it is instead of asking the LLM
 * @param minTurns exchanges before the simulated user may end the conversation
 */
public record ScenarioSpec(
    @NotBlank String name,
    @Valid Persona persona,
    @NotBlank String mission,
    @Valid List<@NotNull @Valid Criterion> successCriteria,
    @Min(1) @Max(200) Integer maxTurns,
    @Pattern(regexp = "user|agent", message = "must be user or agent") String firstSpeaker,
    List<@NotBlank String> script,
    UUID personaId,
    Map<String, String> dynamicVariables,
    String firstMessage,
    @Min(1) @Max(200) Integer minTurns)
    implements Named {

  public static final int DEFAULT_MAX_TURNS = 10;
  public static final int DEFAULT_MIN_TURNS = 1;

  /** A scenario with an embedded persona and none of the later options. */
  public ScenarioSpec(
      String name,
      Persona persona,
      String mission,
      List<Criterion> successCriteria,
      Integer maxTurns,
      String firstSpeaker,
      List<String> script) {
    this(
        name,
        persona,
        mission,
        successCriteria,
        maxTurns,
        firstSpeaker,
        script,
        null,
        null,
        null,
        null);
  }

  /** The simulated user as a scenario embeds it; the fields are those of {@link PersonaSpec}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Persona(
      @NotBlank String name,
      String description,
      Map<String, String> traits,
      String language,
      Map<String, String> knownInfo,
      String style) {

    public Persona(String name, String description) {
      this(name, description, null, null, null, null);
    }
  }

  /** One success criterion, as Cognigy spells it: {@code {"type": "text", "params": {...}}}. */
  public record Criterion(
      @NotNull
          @Pattern(
              regexp =
                  "text|contains|not_contains|regex|max_turns|conversation_ended|tool_called|json_path",
              message =
                  "must be one of: text, contains, not_contains, regex, max_turns, conversation_ended, tool_called, json_path")
          String type,
      Map<String, Object> params) {}

  public int maxTurnsOrDefault() {
    return maxTurns == null ? DEFAULT_MAX_TURNS : maxTurns;
  }

  public int minTurnsOrDefault() {
    return minTurns == null ? DEFAULT_MIN_TURNS : minTurns;
  }

  public boolean agentSpeaksFirst() {
    return "agent".equals(firstSpeaker);
  }

  public List<Criterion> criteria() {
    return successCriteria == null ? List.of() : successCriteria;
  }

  public Map<String, String> variables() {
    return dynamicVariables == null ? Map.of() : dynamicVariables;
  }

  public boolean scripted() {
    return script != null && !script.isEmpty();
  }
}
