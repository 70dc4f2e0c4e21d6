package dev.agentsim.api.definition;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A project's definitions as one file: applied, exported, and the JSON Schema editors check it
 * with.
 */
@RestController
@Tag(name = "Suite files", description = "A project's definitions as one YAML file")
public class SuiteFileController {

  static final String SCHEMA = "/v1/schema/suite.json";
  static final MediaType YAML = new MediaType("application", "yaml", StandardCharsets.UTF_8);
  static final MediaType JSON_SCHEMA = MediaType.parseMediaType("application/schema+json");

  private final SuiteFiles files;

  public SuiteFileController(SuiteFiles files) {
    this.files = files;
  }

  /** A suite file as the API document shows it; its JSON Schema says the rest. */
  @Schema(name = "SuiteFile", description = "Definitions by kind, each named; see " + SCHEMA)
  record SuiteFile(
      List<Map<String, Object>> models,
      List<Map<String, Object>> personas,
      List<Map<String, Object>> agents,
      List<Map<String, Object>> scenarios,
      List<Map<String, Object>> suites) {}

  /**
   * The body as bytes: YAML is UTF-8 (or UTF-16/32, told by its first bytes), whatever charset the
   * request names.
   */
  @Operation(
      summary = "Apply a suite file",
      description = "Creates what is new, updates what changed, by name")
  @PostMapping(
      path = "/v1/apply",
      consumes = {
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
        "text/x-yaml",
        "application/json"
      })
  public SuiteFiles.Result apply(
      @RequestParam String projectId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              description = "A suite file, see " + SCHEMA,
              content = {
                @Content(
                    mediaType = "application/yaml",
                    schema = @Schema(implementation = SuiteFile.class)),
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = SuiteFile.class))
              })
          @RequestBody
          byte[] file) {
    return files.apply(projectId, file);
  }

  @Operation(summary = "Export the project as a suite file")
  @ApiResponse(
      responseCode = "200",
      description = "The suite file",
      content =
          @Content(
              mediaType = "application/yaml",
              schema = @Schema(implementation = SuiteFile.class)))
  @GetMapping(path = "/v1/export", produces = "application/yaml")
  public ResponseEntity<String> export(@RequestParam String projectId) {
    String schema = ServletUriComponentsBuilder.fromCurrentContextPath().path(SCHEMA).toUriString();
    return ResponseEntity.ok().contentType(YAML).body(files.export(projectId, schema));
  }

  @Operation(
      summary = "The suite file's JSON Schema",
      description = "For editors to check suite files with")
  @SecurityRequirements
  @ApiResponse(
      responseCode = "200",
      description = "The JSON Schema",
      content =
          @Content(
              mediaType = "application/schema+json",
              schema = @Schema(ref = "https://json-schema.org/draft/2020-12/schema")))
  @GetMapping(SCHEMA)
  public ResponseEntity<Resource> schema() {
    return ResponseEntity.ok()
        .contentType(JSON_SCHEMA)
        .body(new ClassPathResource("schema/suite.json"));
  }
}
