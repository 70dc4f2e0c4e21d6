package dev.agentsim.worker.secrets;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.webhook.WebhookRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On start, seals every stored secret with the current key: values stored before secrets were
 * sealed, and values sealed with a previous key (a rotation). Every process does it; it changes
 * only what is not sealed with the current key yet, so the first does the work.
 */
@Component
public class StoredSecretsSealing {

  private static final Logger log = LoggerFactory.getLogger(StoredSecretsSealing.class);

  private final DefinitionRepository definitions;
  private final WebhookRepository webhooks;

  public StoredSecretsSealing(DefinitionRepository definitions, WebhookRepository webhooks) {
    this.definitions = definitions;
    this.webhooks = webhooks;
  }

  @EventListener(ContextRefreshedEvent.class)
  @Order(Ordered.HIGHEST_PRECEDENCE)
  public void sealStoredSecrets() {
    int sealed = definitions.sealStoredSecrets();
    if (sealed > 0) {
      log.info(
          "Sealed the secrets of {} stored agents, agent revisions and models with the current key",
          sealed);
    }
    int webhookSecrets = webhooks.resealSecrets();
    if (webhookSecrets > 0) {
      log.info("Sealed the signing secrets of {} webhooks with the current key", webhookSecrets);
    }
  }
}
