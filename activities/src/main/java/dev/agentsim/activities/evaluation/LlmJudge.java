package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.LlmReply;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the model reads from a finished conversation, each as one JSON object of a fixed shape: the
 * verdict of a {@code text} criterion, and the simulated user's experience (sentiment and summary).
 *
 * <p>The judge sees the numbered transcript and the criterion, nothing of the mission or persona,
 * so it judges what happened rather than what was meant to. An answer that is not the asked-for
 * object is a retryable {@code LLM_PROVIDER_ERROR}: another attempt usually answers well, and after
 * the last one the run ends in ERROR, never in a verdict the judge did not give.
 */
@Component
public class LlmJudge {

  static final String JUDGE_PROMPT =
      """
      You are a strict, impartial evaluator of conversations between a simulated user and a \
      conversational AI agent. Decide whether the given success criterion is met, judging only by \
      what the transcript shows. If the transcript does not show it, it is not met.

      Answer with one JSON object and nothing else:
      {"passed": true or false,
       "reason": "one or two sentences saying what decides it, citing messages by their numbers, e.g. [3]",
       "turns": [the numbers of the messages that decide it],
       "confidence": a number from 0 to 1, how sure you are}
      """;

  static final String SUMMARY_PROMPT =
      """
      You read a conversation between a simulated user and a conversational AI agent, and report \
      how the user experienced it.

      Answer with one JSON object and nothing else:
      {"sentiment": "positive", "neutral" or "negative": how the user was left feeling,
       "summary": "two or three sentences: what the user wanted, what the agent did, how it ended"}
      """;

  private static final Pattern FENCE =
      Pattern.compile("```(?:json|JSON)?\\s*(.*?)\\s*```", Pattern.DOTALL);
  private static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final LlmClient llm;
  private final JsonMapper json;

  public LlmJudge(LlmClient llm, JsonMapper json) {
    this.llm = llm;
    this.json = json;
  }

  CriterionResult judge(
      UUID runId, Criterion criterion, Transcript transcript, UUID modelId, ModelSpec model) {
    Map<String, Object> params = RuleCriteria.params(criterion);
    String text = RuleCriteria.string(params.get("text"));
    if (text == null || text.isBlank()) {
      text = RuleCriteria.string(params.get("description"));
    }
    if (text == null || text.isBlank()) {
      return RuleCriteria.failed(
          criterion, "The criterion has no params.text saying what to judge");
    }
    String question =
        "Criterion:\n"
            + text.strip()
            + "\n\nTranscript:\n"
            + transcript.render()
            + "\nThe conversation ended with: "
            + describe(transcript.reason())
            + "\n";
    LlmReply reply =
        llm.chat(
            runId,
            LlmRole.JUDGE,
            modelId,
            model,
            List.of(SystemMessage.from(JUDGE_PROMPT), UserMessage.from(question)));
    Verdict verdict =
        parseVerdict(reply.text(), transcript.numbers())
            .orElseThrow(() -> unreadable("judge", reply.text()));
    return new CriterionResult(
        criterion.type(),
        criterion.params(),
        verdict.passed(),
        verdict.reason(),
        verdict.confidence(),
        verdict.turns());
  }

  /** The simulated user's experience of the conversation. */
  Experience summarize(UUID runId, Transcript transcript, UUID modelId, ModelSpec model) {
    String question =
        "Transcript:\n"
            + transcript.render()
            + "\nThe conversation ended with: "
            + describe(transcript.reason())
            + "\n";
    LlmReply reply =
        llm.chat(
            runId,
            LlmRole.SUMMARY,
            modelId,
            model,
            List.of(SystemMessage.from(SUMMARY_PROMPT), UserMessage.from(question)));
    return parseExperience(reply.text()).orElseThrow(() -> unreadable("summary", reply.text()));
  }

  /**
   * @param turns the cited message numbers, each one of the transcript's
   */
  record Verdict(boolean passed, String reason, double confidence, List<Integer> turns) {}

  /**
   * @param sentiment {@code positive}, {@code neutral} or {@code negative}
   */
  record Experience(String sentiment, String summary) {}

  /**
   * Reads {@code {"passed", "reason", "turns", "confidence"}}: passed a boolean, reason a non-blank
   * text, confidence a number from 0 to 1, turns (may be absent) numbers of messages the transcript
   * has.
   */
  Optional<Verdict> parseVerdict(String answer, List<Integer> messageNumbers) {
    return object(answer)
        .flatMap(
            object -> {
              if (!(object.get("passed") instanceof Boolean passed)
                  || !(object.get("reason") instanceof String reason)
                  || reason.isBlank()
                  || !(object.get("confidence") instanceof Number confidence)
                  || confidence.doubleValue() < 0
                  || confidence.doubleValue() > 1) {
                return Optional.empty();
              }
              Object cited = object.get("turns");
              List<Integer> turns = new ArrayList<>();
              if (cited != null) {
                if (!(cited instanceof List<?> list)) {
                  return Optional.empty();
                }
                for (Object turn : list) {
                  if (!(turn instanceof Number number)
                      || number.doubleValue() != Math.rint(number.doubleValue())
                      || !messageNumbers.contains(number.intValue())) {
                    return Optional.empty();
                  }
                  if (!turns.contains(number.intValue())) {
                    turns.add(number.intValue());
                  }
                }
              }
              return Optional.of(
                  new Verdict(
                      passed, reason.strip(), confidence.doubleValue(), List.copyOf(turns)));
            });
  }

  /**
   * Reads {@code {"sentiment", "summary"}}: one of the three sentiments, and a non-blank summary.
   */
  Optional<Experience> parseExperience(String answer) {
    return object(answer)
        .flatMap(
            object -> {
              if (!(object.get("sentiment") instanceof String sentiment)
                  || !SENTIMENTS.contains(sentiment.strip().toLowerCase(Locale.ROOT))
                  || !(object.get("summary") instanceof String summary)
                  || summary.isBlank()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Experience(sentiment.strip().toLowerCase(Locale.ROOT), summary.strip()));
            });
  }

  /**
   * The JSON object of an answer: bare, in a code fence or among a few words, as models like to
   * wrap it.
   */
  private Optional<Map<String, Object>> object(String answer) {
    if (answer == null || answer.isBlank()) {
      return Optional.empty();
    }
    String text = answer.strip();
    Matcher fence = FENCE.matcher(text);
    if (fence.find()) {
      text = fence.group(1);
    }
    int start = text.indexOf('{');
    int end = text.lastIndexOf('}');
    if (start < 0 || end < start) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(json.readValue(text.substring(start, end + 1), OBJECT));
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  private static RuntimeException unreadable(String what, String answer) {
    return Failures.retryable(
        ErrorCategory.LLM_PROVIDER_ERROR,
        "The model's " + what + " answer could not be read",
        new FailureDetail(what + " answered: " + Failures.abbreviate(answer, 500)));
  }

  private static String describe(TerminationReason reason) {
    if (reason == null) {
      return "unknown";
    }
    return switch (reason) {
      case USER_STOP -> "the simulated user ended it (mission accomplished or abandoned)";
      case AGENT_STOP -> "the agent ended it";
      case MAX_TURNS -> "the maximum number of turns was reached";
      case MAX_EVENTS -> "the maximum number of messages was reached";
      case TIMEOUT -> "the time limit was reached";
      default -> reason.name();
    };
  }
}
