package dev.agentsim.api.definition;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
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

/** A project's definitions as one file: applied, exported, and the JSON Schema editors check it with. */
@RestController
public class SuiteFileController {

  static final String SCHEMA = "/v1/schema/suite.json";
  static final MediaType YAML = new MediaType("application", "yaml", StandardCharsets.UTF_8);
  static final MediaType JSON_SCHEMA = MediaType.parseMediaType("application/schema+json");

  private final SuiteFiles files;

  public SuiteFileController(SuiteFiles files) {
    this.files = files;
  }

  /** The body as bytes: YAML is UTF-8 (or UTF-16/32, told by its first bytes), whatever charset the request names. */
  @PostMapping(path = "/v1/apply",
      consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"})
  public SuiteFiles.Result apply(@RequestParam String projectId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "A suite file, see " + SCHEMA, content = {
          @Content(mediaType = "application/yaml", schema = @Schema(type = "object")),
          @Content(mediaType = "application/json", schema = @Schema(type = "object"))})
      @RequestBody byte[] file) {
    return files.apply(projectId, file);
  }

  @GetMapping(path = "/v1/export", produces = "application/yaml")
  public ResponseEntity<String> export(@RequestParam String projectId) {
    String schema = ServletUriComponentsBuilder.fromCurrentContextPath().path(SCHEMA).toUriString();
    return ResponseEntity.ok().contentType(YAML).body(files.export(projectId, schema));
  }

  @GetMapping(SCHEMA)
  public ResponseEntity<Resource> schema() {
    return ResponseEntity.ok().contentType(JSON_SCHEMA).body(new ClassPathResource("schema/suite.json"));
  }
}
