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

  /**
   * A message's number as the judge sees it and the run's {@code turns[]} show it: its 1-based
   * sequence, so a reason that cites "[3]" points at the third message of the run view.
   */
  static int number(Turn turn) {
    return turn.sequence() + 1;
  }

  List<Integer> numbers() {
    return turns.stream().map(Transcript::number).toList();
  }

  /** One message a line, numbered, for the model. */
  String render() {
    if (turns.isEmpty()) {
      return "(no messages)";
    }
    StringBuilder text = new StringBuilder();
    for (Turn turn : turns) {
      String who =
          switch (turn.role()) {
            case Turn.USER -> "User";
            case Turn.TOOL -> "Agent's tool call";
            default -> "Agent";
          };
      String said = turn.text() == null || turn.text().isBlank() ? "(no text)" : turn.text();
      text.append('[')
          .append(number(turn))
          .append("] ")
          .append(who)
          .append(": ")
          .append(said)
          .append('\n');
    }
    return text.toString();
  }
}
