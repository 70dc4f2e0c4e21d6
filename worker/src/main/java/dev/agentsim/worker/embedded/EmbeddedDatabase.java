package dev.agentsim.worker.embedded;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Embedded mode for the database: no {@code spring.datasource.url} is configured. */
public class EmbeddedDatabase implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    return isEmbedded(context.getEnvironment());
  }

  public static boolean isEmbedded(Environment environment) {
    return !environment.containsProperty("spring.datasource.url");
  }
}
