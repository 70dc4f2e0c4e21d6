package dev.agentsim.worker.demo;

import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.definition.Named;
import dev.agentsim.store.definition.PersonaSpec;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.definition.ScenarioSpec.Criterion;
import dev.agentsim.store.settings.SimulatorSettings;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts a demo agent, model, persona and scenario with fixed ids into project {@code demo}, so the
 * README's two {@code curl} calls work on a fresh start. With an OpenAI-compatible endpoint
 * configured ({@code SIMULATOR_LLM_BASE_URL}, {@code SIMULATOR_LLM_API_KEY}, {@code
 * SIMULATOR_LLM_MODEL}) the simulated user is that LLM; without one it follows a script.
 */
@Component
@Conditional(DemoMode.class)
public class DemoSeeder {

  public static final String PROJECT = "demo";
  public static final UUID AGENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
  public static final UUID MODEL = UUID.fromString("00000000-0000-4000-8000-000000000002");
  public static final UUID SCENARIO = UUID.fromString("00000000-0000-4000-8000-000000000003");
  public static final UUID PERSONA = UUID.fromString("00000000-0000-4000-8000-000000000004");

  private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

  private final DefinitionRepository definitions;
  private final String llmBaseUrl;
  private final String llmApiKey;
  private final String llmModel;

  public DemoSeeder(DefinitionRepository definitions, SimulatorSettings settings) {
    this.definitions = definitions;
    this.llmBaseUrl = settings.llm().baseUrl();
    this.llmApiKey = settings.llm().apiKey();
    this.llmModel = settings.llm().model();
  }

  /** Seeded once the port is known, since the demo agent is served by this very application. */
  @EventListener
  public void seed(WebServerInitializedEvent event) {
    boolean llm = !llmBaseUrl.isBlank() || !llmApiKey.isBlank();
    put(
        AGENT,
        Kind.AGENT,
        new AgentSpec(
            "Demo travel bot",
            "http",
            new HttpAgentConfig(
                "http://localhost:" + event.getWebServer().getPort() + "/demo/agent",
                null,
                null,
                10_000,
                null,
                null,
                null,
                null)));
    put(
        MODEL,
        Kind.MODEL,
        new ModelSpec(
            "Demo model",
            "openai",
            llmBaseUrl.isBlank() ? null : llmBaseUrl,
            llmModel,
            llmApiKey.isBlank() ? null : llmApiKey,
            0.7));
    put(
        PERSONA,
        Kind.PERSONA,
        new PersonaSpec(
            "Alex",
            "A friendly traveller in a hurry.",
            Map.of("patience", "low", "tone", "friendly"),
            "English",
            Map.of("travelDate", "tomorrow", "fullName", "Alex Morgan"),
            "Short messages, no small talk."));
    put(
        SCENARIO,
        Kind.SCENARIO,
        new ScenarioSpec(
            "Book a flight",
            null,
            "Book a flight to {{destination}} for tomorrow and get a confirmation number, then say goodbye.",
            List.of(
                new Criterion("contains", Map.of("value", "confirmation number")),
                new Criterion("conversation_ended", Map.of()),
                new Criterion("max_turns", Map.of("max", 8))),
            8,
            "user",
            llm
                ? null
                : List.of(
                    "Hi there",
                    "I would like to book a flight",
                    "To {{destination}}, please",
                    "Yes, book it",
                    "Thanks, bye"),
            PERSONA,
            Map.of("destination", "Lisbon"),
            null,
            null));
    log.info(
        "Demo project '{}' ready: agent {}, model {}, persona {}, scenario {} ({})",
        PROJECT,
        AGENT,
        MODEL,
        PERSONA,
        SCENARIO,
        llm ? "LLM persona" : "scripted persona");
  }

  private <T extends Named> void put(UUID id, Kind kind, T spec) {
    if (definitions.update(PROJECT, kind, id, spec).isEmpty()) {
      definitions.insert(id, PROJECT, kind, spec);
    }
  }
}
