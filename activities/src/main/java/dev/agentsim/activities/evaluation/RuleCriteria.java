package dev.agentsim.activities.evaluation;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.agentsim.store.definition.Expressions;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.Turn;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The criteria judged without an LLM. A criterion whose parameters are missing or wrong fails with
 * a reason saying so; it never throws.
 *
 * <p>{@code contains}, {@code not_contains} and {@code regex} look at the messages of {@code
 * params.role}: {@code agent} (default), {@code user} or {@code any}; they are case-insensitive
 * unless {@code params.caseSensitive} is true.
 */
final class RuleCriteria {

  private static final int SNIPPET = 120;

  private RuleCriteria() {}

  /**
   * {@code contains} ({@code negate} false) and {@code not_contains} ({@code negate} true): {@code
   * params.value}.
   */
  static CriterionResult contains(Criterion criterion, Transcript transcript, boolean negate) {
    Map<String, Object> params = params(criterion);
    String value = string(params.get("value"));
    if (value == null || value.isEmpty()) {
      return failed(criterion, "The criterion has no params.value to look for");
    }
    Optional<String> role = role(params);
    if (role.isEmpty()) {
      return failed(criterion, badRole(params));
    }
    boolean caseSensitive = caseSensitive(params);
    String needle = caseSensitive ? value : value.toLowerCase(Locale.ROOT);
    Turn found = null;
    for (Turn turn : transcript.of(role.get())) {
      String text = turn.text() == null ? "" : turn.text();
      if ((caseSensitive ? text : text.toLowerCase(Locale.ROOT)).contains(needle)) {
        found = turn;
        break;
      }
    }
    String quoted = "\"" + value + "\"";
    String someMessage = withArticle(messageOf(role.get()));
    String noMessage = "No " + messageOf(role.get());
    if (found != null) {
      String reason = someMessage + " contains " + quoted + ": \"" + snippet(found.text()) + "\"";
      return new CriterionResult(criterion.type(), criterion.params(), !negate, reason);
    }
    return new CriterionResult(
        criterion.type(), criterion.params(), negate, noMessage + " contains " + quoted);
  }

  /**
   * {@code regex}: passes when a message of the role matches {@code params.pattern} (anywhere in
   * it). The pattern runs on a linear-time engine, see {@link Expressions#regex}.
   */
  static CriterionResult regex(Criterion criterion, Transcript transcript) {
    Map<String, Object> params = params(criterion);
    String source = string(params.get("pattern"));
    if (source == null || source.isEmpty()) {
      return failed(criterion, "The criterion has no params.pattern to match");
    }
    Optional<String> role = role(params);
    if (role.isEmpty()) {
      return failed(criterion, badRole(params));
    }
    Pattern pattern;
    try {
      pattern = Expressions.regex(source, caseSensitive(params));
    } catch (IllegalArgumentException e) {
      return failed(criterion, "The pattern " + e.getMessage());
    }
    for (Turn turn : transcript.of(role.get())) {
      Matcher matcher = pattern.matcher(turn.text() == null ? "" : turn.text());
      if (matcher.find()) {
        return new CriterionResult(
            criterion.type(),
            criterion.params(),
            true,
            withArticle(messageOf(role.get()))
                + " matches /"
                + source
                + "/: \""
                + snippet(matcher.group())
                + "\"");
      }
    }
    return failed(criterion, "No " + messageOf(role.get()) + " matches /" + source + "/");
  }

  /** {@code max_turns}: passes when the simulated user sent at most {@code params.max} messages. */
  static CriterionResult maxTurns(Criterion criterion, Transcript transcript) {
    Object max = params(criterion).get("max");
    Integer limit = integer(max);
    if (limit == null) {
      return failed(
          criterion,
          "The criterion needs a whole number params.max, not " + (max == null ? "nothing" : max));
    }
    long sent = transcript.of(Turn.USER).size();
    String reason =
        "The simulated user sent "
            + sent
            + (sent == 1 ? " message" : " messages")
            + "; at most "
            + limit
            + " allowed";
    return new CriterionResult(criterion.type(), criterion.params(), sent <= limit, reason);
  }

  /** {@code conversation_ended}: passes when one of the parties closed the conversation. */
  static CriterionResult conversationEnded(Criterion criterion, Transcript transcript) {
    var reason = transcript.reason();
    if (reason != null && reason.endsConversation()) {
      String who =
          switch (reason) {
            case USER_STOP -> "the simulated user ended it";
            case AGENT_STOP -> "the agent ended it";
            default -> reason.name();
          };
      return new CriterionResult(
          criterion.type(),
          criterion.params(),
          true,
          "The conversation ended: " + who + " (" + reason + ")");
    }
    return failed(criterion, "The conversation did not end by itself: it stopped with " + reason);
  }

  static CriterionResult failed(Criterion criterion, String reason) {
    return new CriterionResult(criterion.type(), criterion.params(), false, reason);
  }

  static Map<String, Object> params(Criterion criterion) {
    return criterion.params() == null ? Map.of() : criterion.params();
  }

  static String string(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static Optional<String> role(Map<String, Object> params) {
    String role = string(params.get("role"));
    if (role == null || role.isBlank()) {
      return Optional.of(Turn.AGENT);
    }
    role = role.trim().toLowerCase(Locale.ROOT);
    return List.of(Turn.AGENT, Turn.USER, "any").contains(role)
        ? Optional.of(role)
        : Optional.empty();
  }

  private static String badRole(Map<String, Object> params) {
    return "params.role must be agent, user or any, not \"" + params.get("role") + "\"";
  }

  private static String messageOf(String role) {
    return switch (role) {
      case Turn.USER -> "user message";
      case "any" -> "message";
      default -> "agent message";
    };
  }

  private static boolean caseSensitive(Map<String, Object> params) {
    Object value = params.get("caseSensitive");
    return value instanceof Boolean b ? b : "true".equalsIgnoreCase(string(value));
  }

  private static Integer integer(Object value) {
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.intValue();
    }
    if (value instanceof String text) {
      try {
        return Integer.valueOf(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String withArticle(String text) {
    String article = text.startsWith("agent") ? "An " : "A ";
    return article + text;
  }

  private static String snippet(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= SNIPPET ? oneLine : oneLine.substring(0, SNIPPET) + "…";
  }
}
