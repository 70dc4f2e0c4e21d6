package dev.agentsim.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * How the client fills a suite file's {@code ${VAR}} references from its environment before sending
 * it.
 */
class SuiteFileReferencesTest {

  private static final String FILE =
      """
      models:
        - name: gpt
          provider: openai
          baseUrl: ${OPENAI_BASE_URL:-https://api.openai.com/v1}
          model: gpt-4o-mini
          apiKey: ${OPENAI_API_KEY}
      """;

  @TempDir Path dir;

  @Test
  void aReferenceTakesTheVariableItsDefaultOrStaysForTheServer() throws Exception {
    Path file = dir.resolve("suite.yaml");
    Files.writeString(file, FILE);

    JsonNode set =
        model(
            file, Map.of("OPENAI_BASE_URL", "http://localhost:9999/v1", "OPENAI_API_KEY", "sk-1"));
    JsonNode unset = model(file, Map.of());
    JsonNode empty = model(file, Map.of("OPENAI_BASE_URL", ""));

    assertThat(set.path("baseUrl").asString()).isEqualTo("http://localhost:9999/v1");
    assertThat(set.path("apiKey").asString()).isEqualTo("sk-1");
    assertThat(unset.path("baseUrl").asString()).isEqualTo("https://api.openai.com/v1");
    assertThat(unset.path("apiKey").asString()).isEqualTo("${OPENAI_API_KEY}");
    assertThat(empty.path("baseUrl").asString()).isEqualTo("https://api.openai.com/v1");
  }

  private static JsonNode model(Path file, Map<String, String> environment) {
    return SuiteFile.read(file, environment).document().path("models").get(0);
  }
}
