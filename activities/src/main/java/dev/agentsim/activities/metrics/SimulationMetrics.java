package dev.agentsim.activities.metrics;

import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.llm.LlmRole;
import dev.agentsim.workflows.TerminationReason;
import dev.agentsim.workflows.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The simulator's own metrics, recorded where their facts happen. In Prometheus: {@code
 * agentsim_runs_finished_total{verdict, reason}}, {@code agentsim_turn_latency_seconds{agent}} (a
 * histogram), {@code agentsim_llm_calls_total}, {@code agentsim_llm_tokens_total{direction}} and
 * {@code agentsim_llm_cost_total} by {@code model} and {@code role}, and {@code
 * agentsim_batches_in_flight}. How many agents get a latency series of their own is bounded, see
 * MetricsConfiguration.
 */
@Component
public class SimulationMetrics {

  public static final String RUNS_FINISHED = "agentsim.runs.finished";
  public static final String TURN_LATENCY = "agentsim.turn.latency";
  public static final String LLM_CALLS = "agentsim.llm.calls";
  public static final String LLM_TOKENS = "agentsim.llm.tokens";
  public static final String LLM_COST = "agentsim.llm.cost";
  public static final String BATCHES_IN_FLIGHT = "agentsim.batches.in.flight";

  /**
   * Fixed buckets rather than percentile histograms: a few series per agent, and they add up across
   * workers.
   */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
    Duration.ofSeconds(30), Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;

  public SimulationMetrics(MeterRegistry registry, BatchRepository batches) {
    this.registry = registry;
    // Read from the database at each scrape: the same figure from every process, whichever ran the
    // batches.
    Gauge.builder(BATCHES_IN_FLIGHT, batches, BatchRepository::countInFlight)
        .description("Batches pending or running, in every project")
        .register(registry);
  }

  /** A run made final: judged, failed or stopped; stopped runs have the verdict {@code STOPPED}. */
  public void runFinished(Verdict verdict, TerminationReason reason) {
    Counter.builder(RUNS_FINISHED)
        .description("Runs finished, by verdict and termination reason")
        .tag("verdict", verdict == null ? "STOPPED" : verdict.name())
        .tag("reason", reason == null ? "NONE" : reason.name())
        .register(registry)
        .increment();
  }

  /** The time the agent under test took to answer one message. */
  public void agentReplied(UUID agentId, long latencyMs) {
    Timer.builder(TURN_LATENCY)
        .description("Time the agent under test took to answer a message")
        .tag("agent", agentId.toString())
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(Duration.ofMillis(latencyMs));
  }

  /** A model call the simulator made and pays for: the simulated user's, or the judge's. */
  public void llmCalled(
      String model, LlmRole role, Integer inputTokens, Integer outputTokens, BigDecimal cost) {
    String roleTag = role.name().toLowerCase(Locale.ROOT);
    Counter.builder(LLM_CALLS)
        .description("Model calls")
        .tag("model", model)
        .tag("role", roleTag)
        .register(registry)
        .increment();
    tokens(model, roleTag, "input", inputTokens);
    tokens(model, roleTag, "output", outputTokens);
    if (cost != null) {
      Counter.builder(LLM_COST)
          .description("Cost of model calls, in the currency of the models' prices")
          .tag("model", model)
          .tag("role", roleTag)
          .register(registry)
          .increment(cost.doubleValue());
    }
  }

  private void tokens(String model, String role, String direction, Integer count) {
    if (count != null) {
      Counter.builder(LLM_TOKENS)
          .description("Tokens of model calls")
          .tag("model", model)
          .tag("role", role)
          .tag("direction", direction)
          .register(registry)
          .increment(count);
    }
  }
}
