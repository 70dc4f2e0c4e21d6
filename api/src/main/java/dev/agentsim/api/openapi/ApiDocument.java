package dev.agentsim.api.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs}: what the service is, how to authenticate, how each
 * API fails.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocument {

  static final String API_KEY = "apiKey";
  static final String BEARER = "bearer";

  private static final String DESCRIPTION =
      """
      Tests conversational AI agents by simulation: a simulated user talks to your agent turn by turn, \
      every conversation is judged against success criteria, and a batch of runs says whether the agent \
      is fit to ship.

      Four APIs share the service, each with its own paths and error bodies:

      - **Native** (`/v1/...?projectId=`): agents, models, personas, scenarios, batches and their runs, \
      schedules, webhooks, statistics, suite files, settings and API keys. Errors are RFC 7807 \
      `application/problem+json` with `code`, `traceId` and, for bad input, the `field`.
      - **Cognigy Simulator** (`/simulations/...?projectId=`): schedule a batch of a scenario and read its \
      runs. Errors are `{error, code, traceId}`, with `field` on a 400.
      - **Feather** (`/v1/simulation/runs`): dispatch one run of agent, persona and scenario. Errors are \
      `{error, message}`; bad input is a 422 `{detail: [{loc, msg, type}]}`.
      - **Interactly** (`/workflows/v1/simulations`): an agent against a counter agent or persona. Errors \
      are `{detail}`; bad input is a 422 `{detail: [{type, loc, msg}]}`.

      Every answer carries an `X-Trace-Id` header; an error's trace id is in the service's log. When \
      `simulator.auth.required` is set, every operation but the suite file schema needs an API key \
      (`X-API-Key`, or `Authorization: Bearer`) or a JWT (`Authorization: Bearer`) allowed the project \
      it names.""";

  @Bean
  OpenAPI openApi(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    return new OpenAPI()
        .info(
            new Info()
                .title("AgentSim")
                .version(properties == null ? "development" : properties.getVersion())
                .description(DESCRIPTION)
                .license(new License().name("See the project's repository")))
        .components(
            new Components()
                .addSecuritySchemes(
                    API_KEY,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name("X-API-Key")
                        .description("An API key of the service"))
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key, or a JWT of the configured issuer")))
        .addSecurityItem(new SecurityRequirement().addList(API_KEY))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }

  @Bean
  OpenApiCustomizer errorResponses() {
    return new ErrorResponses();
  }
}
