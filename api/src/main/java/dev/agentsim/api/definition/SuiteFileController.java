package dev.agentsim.api.definition;

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

/** A project's definitions as one file: applied, exported, and the JSON Schema editors check it with. */
@RestController
public class SuiteFileController {

  static final MediaType YAML = new MediaType("application", "yaml", StandardCharsets.UTF_8);
  static final MediaType JSON_SCHEMA = MediaType.parseMediaType("application/schema+json");

  private final SuiteFiles files;

  public SuiteFileController(SuiteFiles files) {
    this.files = files;
  }

  /** The body as bytes: YAML is UTF-8 (or UTF-16/32, told by its first bytes), whatever charset the request names. */
  @PostMapping(path = "/v1/apply",
      consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"})
  public SuiteFiles.Result apply(@RequestParam String projectId, @RequestBody byte[] file) {
    return files.apply(projectId, file);
  }

  @GetMapping(path = "/v1/export", produces = "application/yaml")
  public ResponseEntity<String> export(@RequestParam String projectId) {
    return ResponseEntity.ok().contentType(YAML).body(files.export(projectId));
  }

  @GetMapping("/v1/schema/suite.json")
  public ResponseEntity<Resource> schema() {
    return ResponseEntity.ok().contentType(JSON_SCHEMA).body(new ClassPathResource("schema/suite.json"));
  }
}
