package dev.agentsim.worker.demo;

import dev.agentsim.worker.embedded.EmbeddedDatabase;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The demo is there in embedded mode, unless {@code simulator.demo.enabled} is false. */
public class DemoMode extends EmbeddedDatabase {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    return super.matches(context, metadata)
        && context.getEnvironment().getProperty("simulator.demo.enabled", Boolean.class, true);
  }
}
