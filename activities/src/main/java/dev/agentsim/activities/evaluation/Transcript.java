package dev.agentsim.activities.evaluation;

import dev.agentsim.store.run.Turn;
import dev.agentsim.workflows.TerminationReason;
import java.util.List;

/** A finished conversation as the criteria see it: its messages and how it ended. */
record Transcript(List<Turn> turns, TerminationReason reason) {

  /** Messages of a role: {@code agent}, {@code user}, or {@code any}. */
  List<Turn> of(String role) {
    if ("any".equals(role)) {
      return turns;
    }
    return turns.stream().filter(turn -> role.equals(turn.role())).toList();
  }

  /** One message a line, numbered, for the judge. */
  String render() {
    if (turns.isEmpty()) {
      return "(no messages)";
    }
    StringBuilder text = new StringBuilder();
    int n = 1;
    for (Turn turn : turns) {
      String who = Turn.USER.equals(turn.role()) ? "User" : "Agent";
      String said = turn.text() == null || turn.text().isBlank() ? "(no text)" : turn.text();
      text.append('[').append(n++).append("] ").append(who).append(": ").append(said).append('\n');
    }
    return text.toString();
  }
}
