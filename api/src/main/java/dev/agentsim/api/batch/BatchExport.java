package dev.agentsim.api.batch;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.agentsim.store.batch.Batch;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ScenarioSpec;
import dev.agentsim.store.run.CriterionResult;
import dev.agentsim.store.run.RunSort;
import dev.agentsim.workflows.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Writes a batch's runs as a file, one line, row or test case per run. Runs are read a page at a
 * time and written as they are read, so a batch of any size is exported in constant memory.
 */
@Component
public class BatchExport {

  private static final int PAGE = 100;
  private static final Pattern INVALID_XML =
      Pattern.compile("[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}]");

  public enum Format {
    JSONL(new MediaType("application", "x-ndjson"), "jsonl"),
    CSV(new MediaType("text", "csv"), "csv"),
    JUNIT(MediaType.APPLICATION_XML, "xml");

    private final MediaType mediaType;
    private final String extension;

    Format(MediaType mediaType, String extension) {
      this.mediaType = mediaType;
      this.extension = extension;
    }

    public MediaType mediaType() {
      return mediaType;
    }

    public String extension() {
      return extension;
    }

    static Optional<Format> of(String name) {
      return Arrays.stream(values())
          .filter(format -> format.name().equalsIgnoreCase(name))
          .findFirst();
    }
  }

  /**
   * One run in a spreadsheet: its outcome, the failed criteria's reasons, and its LLM usage.
   *
   * @param cost as the API shows it; empty when the model has no prices
   */
  @JsonPropertyOrder({
    "runId",
    "sequence",
    "status",
    "verdict",
    "terminationReason",
    "errorCategory",
    "errorMessage",
    "criteriaPassed",
    "criteriaTotal",
    "failedCriteria",
    "messages",
    "promptTokens",
    "completionTokens",
    "llmCalls",
    "cost",
    "durationMs",
    "createdAt",
    "completedAt"
  })
  record CsvRow(
      UUID runId,
      int sequence,
      String status,
      String verdict,
      String terminationReason,
      String errorCategory,
      String errorMessage,
      int criteriaPassed,
      int criteriaTotal,
      String failedCriteria,
      int messages,
      long promptTokens,
      long completionTokens,
      long llmCalls,
      String cost,
      long durationMs,
      String createdAt,
      String completedAt) {}

  private static final DateTimeFormatter JUNIT_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Batches batches;
  private final DefinitionRepository definitions;
  private final JsonMapper json;
  private final CsvMapper csv =
      CsvMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  private final XMLOutputFactory xml = XMLOutputFactory.newFactory();

  public BatchExport(Batches batches, DefinitionRepository definitions, JsonMapper json) {
    this.batches = batches;
    this.definitions = definitions;
    this.json = json;
  }

  public void write(Batch batch, Format format, OutputStream out) throws IOException {
    switch (format) {
      case JSONL -> jsonl(batch, out);
      case CSV -> csv(batch, out);
      case JUNIT -> junit(batch, out);
    }
    out.flush();
  }

  /** A consumer of one run that may fail writing. */
  private interface RunWriter {
    void write(RunResponse run) throws IOException;
  }

  /** The batch's runs in order of sequence, each with its transcript and usage. */
  private void eachRun(Batch batch, RunWriter writer) throws IOException {
    for (int offset = 0; ; offset += PAGE) {
      List<Batches.RunUsage> page = batches.runs(batch, null, RunSort.SEQUENCE, true, PAGE, offset);
      for (Batches.RunUsage run : page) {
        writer.write(RunResponse.of(batch, run.run(), run.usage(), true));
      }
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  private void jsonl(Batch batch, OutputStream out) throws IOException {
    eachRun(
        batch,
        run -> {
          out.write(json.writeValueAsBytes(run));
          out.write('\n');
        });
  }

  private void csv(Batch batch, OutputStream out) throws IOException {
    CsvSchema schema = csv.schemaFor(CsvRow.class).withHeader();
    try (SequenceWriter rows = csv.writer(schema).writeValues(out)) {
      eachRun(
          batch,
          run -> {
            UsageView total = run.usage().get("total");
            rows.write(
                new CsvRow(
                    run.id(),
                    run.sequence(),
                    run.status(),
                    run.verdict(),
                    run.terminationReason(),
                    run.error() == null ? null : run.error().category(),
                    run.error() == null ? null : run.error().message(),
                    run.criteriaPassed(),
                    run.criteriaTotal(),
                    failedReasons(run),
                    run.messages(),
                    total.promptTokens(),
                    total.completionTokens(),
                    total.calls(),
                    total.cost() == null ? null : total.cost().toPlainString(),
                    run.durationMs(),
                    run.createdAt(),
                    run.completedAt()));
          });
    }
  }

  /**
   * JUnit XML as CI servers read it: one test suite for the batch, one test case per run named by
   * the scenario and the run's sequence; a FAILED run's {@code <failure>} gives the reasons of the
   * criteria it failed, an ERROR run's {@code <error>} what went wrong; a run stopped or still
   * running is skipped.
   */
  private void junit(Batch batch, OutputStream out) throws IOException {
    String scenario =
        definitions
            .find(batch.projectId(), Kind.SCENARIO, batch.scenarioId(), ScenarioSpec.class)
            .map(stored -> stored.spec().name())
            .orElse(batch.scenarioId().toString());
    int tests = batches.countRuns(batch, null);
    int failures = batches.countRuns(batch, Verdict.FAILED.name());
    int errors = batches.countRuns(batch, Verdict.ERROR.name());
    int passed = batches.countRuns(batch, Verdict.SUCCESS.name());
    try {
      XMLStreamWriter writer = xml.createXMLStreamWriter(out, "UTF-8");
      writer.writeStartDocument("UTF-8", "1.0");
      writer.writeCharacters("\n");
      writer.writeStartElement("testsuite");
      writer.writeAttribute("name", xmlText(batch.name()));
      writer.writeAttribute("tests", Integer.toString(tests));
      writer.writeAttribute("failures", Integer.toString(failures));
      writer.writeAttribute("errors", Integer.toString(errors));
      writer.writeAttribute("skipped", Integer.toString(tests - passed - failures - errors));
      writer.writeAttribute("time", seconds(batch.startedAt(), batch.completedAt()));
      writer.writeAttribute("timestamp", junitTimestamp(batch.createdAt()));
      writer.writeAttribute("hostname", "agentsim");
      writer.writeCharacters("\n  ");
      writer.writeStartElement("properties");
      property(writer, "batchId", batch.id().toString());
      property(writer, "projectId", batch.projectId());
      property(writer, "scenarioId", batch.scenarioId().toString());
      property(writer, "agentId", batch.agentId().toString());
      property(writer, "status", batch.status().wire());
      for (Map.Entry<String, String> label : batch.labels().entrySet()) {
        property(writer, "label." + label.getKey(), label.getValue());
      }
      writer.writeEndElement();
      eachRun(
          batch,
          run -> {
            try {
              testcase(writer, scenario, run);
            } catch (XMLStreamException e) {
              throw new IOException(e);
            }
          });
      writer.writeCharacters("\n  ");
      writer.writeEmptyElement("system-out");
      writer.writeCharacters("\n  ");
      writer.writeEmptyElement("system-err");
      writer.writeCharacters("\n");
      writer.writeEndElement();
      writer.writeCharacters("\n");
      writer.writeEndDocument();
      writer.flush();
    } catch (XMLStreamException e) {
      throw new IOException(e);
    }
  }

  private static void testcase(XMLStreamWriter writer, String scenario, RunResponse run)
      throws XMLStreamException {
    writer.writeCharacters("\n  ");
    writer.writeStartElement("testcase");
    writer.writeAttribute("name", xmlText(scenario) + " #" + run.sequence());
    writer.writeAttribute("classname", xmlText(scenario));
    writer.writeAttribute("time", String.format(Locale.ROOT, "%.3f", run.durationMs() / 1000.0));
    if (Verdict.FAILED.name().equals(run.verdict())) {
      writer.writeCharacters("\n    ");
      writer.writeStartElement("failure");
      writer.writeAttribute(
          "message",
          (run.criteriaTotal() - run.criteriaPassed())
              + " of "
              + run.criteriaTotal()
              + " success criteria failed");
      writer.writeAttribute("type", "FAILED");
      String reasons = failedReasons(run);
      writer.writeCharacters(
          xmlText(reasons == null ? String.valueOf(run.summary()) : reasons.replace(" | ", "\n")));
      writer.writeEndElement();
    } else if (Verdict.ERROR.name().equals(run.verdict())) {
      RunResponse.ErrorView error = run.error();
      writer.writeCharacters("\n    ");
      writer.writeStartElement("error");
      writer.writeAttribute(
          "message",
          error == null || error.message() == null ? "The run failed" : xmlText(error.message()));
      writer.writeAttribute("type", error == null ? "ERROR" : error.category());
      if (error != null && error.technicalDetails() != null) {
        writer.writeCharacters(xmlText(error.technicalDetails()));
      }
      writer.writeEndElement();
    } else if (run.verdict() == null) {
      writer.writeCharacters("\n    ");
      writer.writeEmptyElement("skipped");
      writer.writeAttribute(
          "message",
          "The run is "
              + run.status().toLowerCase(Locale.ROOT)
              + (run.status().equals("RUNNING") ? "" : " before it was judged"));
    }
    if (run.verdict() != null && !Verdict.SUCCESS.name().equals(run.verdict())) {
      writer.writeCharacters("\n    ");
      writer.writeStartElement("system-out");
      writer.writeCharacters(xmlText(transcript(run)));
      writer.writeEndElement();
    }
    writer.writeCharacters("\n  ");
    writer.writeEndElement();
  }

  private static void property(XMLStreamWriter writer, String name, String value)
      throws XMLStreamException {
    writer.writeCharacters("\n    ");
    writer.writeEmptyElement("property");
    writer.writeAttribute("name", name);
    writer.writeAttribute("value", xmlText(value));
  }

  /**
   * The failed criteria as {@code type: reason}, separated by {@code " | "}; null when none failed.
   */
  private static String failedReasons(RunResponse run) {
    String reasons =
        run.results().stream()
            .filter(result -> !result.passed())
            .map(BatchExport::describe)
            .collect(Collectors.joining(" | "));
    return reasons.isEmpty() ? null : reasons;
  }

  private static String describe(CriterionResult result) {
    return result.type() + ": " + (result.reason() == null ? "failed" : result.reason());
  }

  /** The conversation, one message a line, for a reader of a failed test. */
  private static String transcript(RunResponse run) {
    return run.turns().stream()
        .map(turn -> turn.role() + ": " + turn.text())
        .collect(Collectors.joining("\n"));
  }

  /**
   * Text without the characters XML 1.0 cannot hold (control characters an agent may have sent).
   */
  private static String xmlText(String text) {
    return INVALID_XML.matcher(text).replaceAll("\uFFFD");
  }

  private static String seconds(Instant from, Instant to) {
    if (from == null) {
      return "0.000";
    }
    long millis = Duration.between(from, to == null ? Instant.now() : to).toMillis();
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /**
   * The time as JUnit's schema wants it, to the second and without a zone; never shortened, as
   * {@code LocalDateTime.toString()} shortens a time on the minute.
   */
  static String junitTimestamp(Instant instant) {
    return JUNIT_TIMESTAMP.format(instant);
  }
}
