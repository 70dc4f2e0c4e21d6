package dev.agentsim.worker.cli;

import dev.agentsim.store.definition.SuiteSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A suite file as the client sends it: its {@code ${VAR}} references resolved from the client's
 * environment, since the server never resolves them (see the server's SuiteFiles).
 */
record SuiteFile(Path path, JsonNode document) {

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * Reads a file and resolves the references in its string values. {@code ${VAR:-default}} takes
   * the default when the variable is unset or empty, as a shell does, so a file can name a public
   * endpoint that the environment may replace. A reference without a default to a variable that is
   * not set stays as it is, for the server to keep the value it has stored for that secret. Values
   * are replaced in the parsed document, not in the text, so no value can break the YAML.
   */
  static SuiteFile read(Path path, Map<String, String> environment) {
    JsonNode document;
    try {
      document = YAML.readTree(Files.readString(path));
    } catch (IOException e) {
      throw new Failure(path + ": cannot read the file: " + e.getMessage());
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new Failure(path + ": not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    if (!(document instanceof ObjectNode)) {
      throw new Failure(
          path
              + ": a suite file is a mapping of the sections models, personas, agents, scenarios, suites");
    }
    return new SuiteFile(path, resolve(document, environment));
  }

  /** The file's suites, as far as it is valid; the server has checked it when it was applied. */
  List<SuiteSpec> suites() {
    List<SuiteSpec> suites = new ArrayList<>();
    document.path("suites").forEach(suite -> suites.add(YAML.treeToValue(suite, SuiteSpec.class)));
    return suites;
  }

  private static String value(MatchResult reference, Map<String, String> environment) {
    String value = environment.get(reference.group(1));
    if (reference.group(2) == null) {
      return value == null ? reference.group() : value;
    }
    return value == null || value.isEmpty() ? reference.group(2) : value;
  }

  private static JsonNode resolve(JsonNode node, Map<String, String> environment) {
    if (node instanceof ObjectNode object) {
      for (String name : List.copyOf(object.propertyNames())) {
        object.set(name, resolve(object.get(name), environment));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, resolve(array.get(i), environment));
      }
    } else if (node.isString()) {
      Matcher reference = REFERENCE.matcher(node.asString());
      return StringNode.valueOf(
          reference.replaceAll(match -> Matcher.quoteReplacement(value(match, environment))));
    }
    return node;
  }
}
