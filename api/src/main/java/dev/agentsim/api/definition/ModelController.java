package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.secret.SecretBox;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** LLM configurations. The API key is write-only. */
@RestController
@RequestMapping("/v1/models")
@Tag(name = "Models", description = "LLMs that play the simulated user and judge")
public class ModelController extends DefinitionController<ModelSpec> {

  private final DefinitionRepository repository;
  private final ModelTester tester;
  private final OutboundPolicy outbound;

  public ModelController(
      DefinitionRepository repository,
      JsonMapper json,
      ModelTester tester,
      OutboundPolicy outbound) {
    super(repository, json, Kind.MODEL, ModelSpec.class);
    this.repository = repository;
    this.tester = tester;
    this.outbound = outbound;
  }

  /**
   * The sealed form is the service's own, see {@link AgentController#check}. The URL the model will
   * be called at: its provider's default when it gives none (Ollama's is local).
   */
  @Override
  protected void check(String projectId, ModelSpec spec) {
    if (SecretBox.isSealed(spec.apiKey())) {
      throw new FieldError(
          "apiKey", "INVALID_VALUE", "apiKey must not start with " + SecretBox.PREFIX);
    }
    String url = spec.baseUrlOrDefault();
    if (url != null) {
      Urls.check(outbound, "baseUrl", url);
    }
  }

  /** The answer of a test as the API document shows it: {@code reply} when ok, else the error. */
  @Schema(name = "ModelTestResult")
  record TestResult(
      boolean ok,
      long latencyMs,
      String reply,
      String error,
      String category,
      String technicalDetails) {}

  /**
   * Sends the model one tiny prompt. A provider failure is the answer, not an error of this call:
   * 200 with {@code ok: false} and the provider's message.
   */
  @Operation(
      summary = "Test a model",
      description =
          "Sends it one tiny prompt. A provider failure is the answer, "
              + "not an error of this call: ok false with the provider's message.")
  @ApiResponse(
      responseCode = "200",
      description = "How the model answered",
      content = @Content(schema = @Schema(implementation = TestResult.class)))
  @PostMapping("/{id}/test")
  public Map<String, Object> test(@RequestParam String projectId, @PathVariable UUID id) {
    ModelSpec spec =
        repository
            .find(projectId, Kind.MODEL, id, ModelSpec.class)
            .orElseThrow(() -> new NotFound("Model " + id + " not found"))
            .spec();
    ModelTester.Result result = tester.test(id, spec);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("ok", result.ok());
    view.put("latencyMs", result.latencyMs());
    if (result.ok()) {
      view.put("reply", result.reply());
    } else {
      view.put("error", result.error());
      view.put("category", result.category());
      view.put("technicalDetails", result.technicalDetails());
    }
    return view;
  }

  @Override
  protected ModelSpec redact(ModelSpec spec) {
    return spec.withApiKey(null);
  }

  @Override
  protected ModelSpec keepSecrets(ModelSpec stored, ModelSpec update) {
    return update.apiKey() == null ? update.withApiKey(stored.apiKey()) : update;
  }
}
