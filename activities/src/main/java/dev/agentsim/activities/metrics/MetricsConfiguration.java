package dev.agentsim.activities.metrics;

import dev.agentsim.store.settings.SimulatorSettings;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

  /**
   * Turn latency is a histogram per agent, a dozen series each: past {@code
   * simulator.metrics.max-agents} agents, further agents' turns are not reported rather than
   * growing every scrape without bound.
   */
  @Bean
  MeterFilter boundedAgentLatencies(SimulatorSettings settings) {
    return MeterFilter.maximumAllowableTags(
        SimulationMetrics.TURN_LATENCY,
        "agent",
        settings.metrics().maxAgents(),
        MeterFilter.deny());
  }
}
