package dev.agentsim.worker.auth;

import dev.agentsim.api.auth.ApiKeys;
import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.worker.SimulatorEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says at start whether the API needs a credential, and where it listens. When it does, and no
 * admin key is configured, the first process to find a database that never held a key creates an
 * admin key and logs it, once: the way in to a fresh deployment.
 */
@Component
class AuthStartup implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(AuthStartup.class);

  private final Environment environment;
  private final SimulatorSettings settings;
  private final ApiKeys keys;

  AuthStartup(Environment environment, SimulatorSettings settings, ApiKeys keys) {
    this.environment = environment;
    this.settings = settings;
    this.keys = keys;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!SimulatorEnvironment.roles(environment).contains("api")) {
      return;
    }
    String address =
        environment.getProperty("server.address", "all interfaces")
            + ":"
            + environment.getProperty(
                "local.server.port", environment.getProperty("server.port", "8080"));
    if (!settings.auth().required()) {
      log.info(
          "Authentication is off: the API answers without a credential, listening on {}"
              + " (simulator.auth.required=true asks for API keys or JWTs)",
          address);
      return;
    }
    log.info(
        "Authentication is on: every request needs an API key (X-API-Key or Authorization: Bearer) or a JWT;"
            + " listening on {}",
        address);
    if (!keys.adminKeyConfigured()) {
      keys.createFirst()
          .ifPresent(
              created ->
                  log.warn(
                      "No API key existed: created the admin key '{}' (id {},"
                          + " every project, every scope). It is shown this once; create project keys with it at POST /v1/api-keys",
                      created.secret(),
                      created.key().id()));
    }
  }
}
