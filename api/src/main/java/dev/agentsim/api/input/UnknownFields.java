package dev.agentsim.api.input;

import dev.agentsim.api.batch.BatchControlController.ConcurrencyRequest;
import dev.agentsim.api.batch.BatchControlController.RunsRequest;
import dev.agentsim.api.batch.BatchRequest;
import dev.agentsim.api.batch.ForkRequest;
import dev.agentsim.api.project.ProjectSettingsController.SettingsRequest;
import dev.agentsim.api.schedule.ScheduleRequest;
import dev.agentsim.api.webhook.WebhookRequest;
import dev.agentsim.store.definition.Named;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The native API's objects (agents, models, personas, scenarios, batches, forks, webhooks,
 * schedules, settings) take only their own fields: an unknown one, a typo say, is a 400 naming it
 * rather than a setting silently dropped. The dialects' bodies keep their own rules.
 */
@Configuration
class UnknownFields implements WebMvcConfigurer {

  private final JsonMapper strict;

  UnknownFields(JsonMapper json) {
    this.strict = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  @Override
  public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
    builder.configureMessageConverters(
        converter -> {
          if (converter instanceof JacksonJsonHttpMessageConverter jackson) {
            for (Class<?> type :
                List.of(
                    Named.class,
                    BatchRequest.class,
                    RunsRequest.class,
                    ConcurrencyRequest.class,
                    ForkRequest.class,
                    WebhookRequest.class,
                    ScheduleRequest.class,
                    SettingsRequest.class)) {
              jackson.registerMappersForType(
                  type,
                  mappers -> {
                    mappers.put(MediaType.APPLICATION_JSON, strict);
                    mappers.put(new MediaType("application", "*+json"), strict);
                  });
            }
          }
        });
  }
}
