package dev.agentsim.worker.health;

import dev.agentsim.worker.SimulatorEnvironment;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Health for the roles of the process: see SimulatorEnvironment for the endpoints, the readiness
 * group and the port of a worker-only process.
 */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

  /**
   * By role, not by the presence of a WorkerFactory: an api-only process has one too, configured
   * from the same worker list, and never starts it. The bean name makes the indicator {@code
   * temporalWorkers}, as the readiness group names it.
   */
  @Bean
  @Conditional(WorkerRole.class)
  TemporalWorkersHealth temporalWorkersHealthIndicator(
      WorkerFactory workers,
      @Value("${spring.temporal.connection.target:in-process}") String target,
      @Value("${spring.temporal.namespace:default}") String namespace) {
    return new TemporalWorkersHealth(workers, target, namespace);
  }

  /**
   * An api-only process has no workers to report on; it is ready while Temporal answers. The bean
   * name makes the indicator {@code temporalConnection}, as the readiness group names it.
   */
  @Bean
  @Conditional(ApiOnly.class)
  TemporalConnectionHealth temporalConnectionHealthIndicator(
      WorkflowServiceStubs service,
      @Value("${spring.temporal.connection.target:in-process}") String target) {
    return new TemporalConnectionHealth(service, target);
  }

  /** First in the chain, so that nothing outside health runs even a filter of its own. */
  @Bean
  @Conditional(WorkerOnly.class)
  FilterRegistrationBean<HealthOnlyFilter> healthOnlyFilter(WebEndpointProperties endpoints) {
    // Operators scrape workers as they probe them: Prometheus and info are served beside health.
    List<String> paths =
        Stream.of("health", "info", "prometheus")
            .map(
                endpoint ->
                    endpoints.getBasePath()
                        + "/"
                        + endpoints.getPathMapping().getOrDefault(endpoint, endpoint))
            .toList();
    FilterRegistrationBean<HealthOnlyFilter> registration =
        new FilterRegistrationBean<>(new HealthOnlyFilter(paths));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  static final class WorkerRole implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return SimulatorEnvironment.roles(context.getEnvironment()).contains("worker");
    }
  }

  static final class ApiOnly implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !SimulatorEnvironment.roles(context.getEnvironment()).contains("worker");
    }
  }

  static final class WorkerOnly implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !SimulatorEnvironment.roles(context.getEnvironment()).contains("api");
    }
  }
}
