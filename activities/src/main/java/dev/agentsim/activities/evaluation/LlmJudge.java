package dev.agentsim.activities.evaluation;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.activities.llm.LlmReply;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.workflows.ErrorCategory;
import dev.agentsim.workflows.TerminationReason;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
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
 * The {@code text} criterion: an LLM judges a criterion written in natural language
 * ({@code params.text}, or {@code params.description}) against the transcript and answers
 * {@code {"passed": bool, "reason": "..."}}. Failures to reach the model propagate as
 * {@code LLM_PROVIDER_ERROR}; an answer that cannot be read is a retryable one too, since another
 * attempt usually reads fine.
 */
@Component
public class LlmJudge {

  static final String SYSTEM_PROMPT = """
      You are a strict, impartial evaluator of conversations between a simulated user and a \
      conversational AI agent. Decide whether the given success criterion is met, judging only by \
      what the transcript shows. If the transcript does not show it, it is not met.

      Answer with one JSON object and nothing else:
      {"passed": true or false, "reason": "one or two sentences saying what in the transcript decides it"}
      """;

  private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*(.*?)\\s*```", Pattern.DOTALL);
  private static final Pattern PASSED = Pattern.compile("\"passed\"\\s*:\\s*(true|false)", Pattern.CASE_INSENSITIVE);
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final LlmClient llm;
  private final JsonMapper json;

  public LlmJudge(LlmClient llm, JsonMapper json) {
    this.llm = llm;
    this.json = json;
  }

  CriterionResult judge(UUID runId, Criterion criterion, Transcript transcript, UUID modelId, ModelSpec model) {
    Map<String, Object> params = RuleCriteria.params(criterion);
    String text = RuleCriteria.string(params.get("text"));
    if (text == null || text.isBlank()) {
      text = RuleCriteria.string(params.get("description"));
    }
    if (text == null || text.isBlank()) {
      return RuleCriteria.failed(criterion, "The criterion has no params.text saying what to judge");
    }
    String question = "Criterion:\n" + text.strip() + "\n\nTranscript:\n" + transcript.render()
        + "\nThe conversation ended with: " + describe(transcript.reason()) + "\n";
    LlmReply reply = llm.chat(runId, LlmRole.JUDGE, modelId, model, List.of(SystemMessage.from(SYSTEM_PROMPT), UserMessage.from(question)));
    Answer answer = parse(reply.text()).orElseThrow(() -> Failures.retryable(ErrorCategory.LLM_PROVIDER_ERROR,
        "The judge's answer could not be read", new FailureDetail("judge answered: "
            + Failures.abbreviate(reply.text(), 500))));
    return new CriterionResult(criterion.type(), criterion.params(), answer.passed(), answer.reason());
  }

  record Answer(boolean passed, String reason) {}

  /** Reads the judge's verdict from JSON, JSON in a code fence or among prose, or failing that a bare "passed": x. */
  Optional<Answer> parse(String answer) {
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
    if (start >= 0 && end > start) {
      try {
        Map<String, Object> object = json.readValue(text.substring(start, end + 1), OBJECT);
        Boolean passed = bool(object.get("passed"));
        if (passed != null) {
          Object reason = object.get("reason");
          return Optional.of(new Answer(passed, reason == null || String.valueOf(reason).isBlank()
              ? "The judge gave no reason" : String.valueOf(reason).strip()));
        }
      } catch (JacksonException e) {
        // fall through to the lenient reading
      }
    }
    Matcher passed = PASSED.matcher(answer);
    if (passed.find()) {
      return Optional.of(new Answer(Boolean.parseBoolean(passed.group(1).toLowerCase(Locale.ROOT)),
          "The judge gave no readable reason"));
    }
    return Optional.empty();
  }

  private static Boolean bool(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.toLowerCase(Locale.ROOT));
    }
    return null;
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
