package dev.agentsim.api.definition;

import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.PersonaSpec;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personas that scenarios share by {@code personaId}. Deleting one that a scenario still names is
 * allowed; runs of that scenario then fail, saying the persona no longer exists.
 */
@RestController
@RequestMapping("/v1/personas")
@Tag(name = "Personas", description = "Simulated users that scenarios share")
public class PersonaController extends DefinitionController<PersonaSpec> {

  public PersonaController(DefinitionRepository repository, JsonMapper json) {
    super(repository, json, Kind.PERSONA, PersonaSpec.class);
  }

  @Override
  protected PersonaSpec redact(PersonaSpec spec) {
    return spec;
  }

  @Override
  protected PersonaSpec keepSecrets(PersonaSpec stored, PersonaSpec update) {
    return update;
  }
}
