package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.worker.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The agentsim command line without {@code --server}: the application started in-process for the
 * command.
 */
class CliLocalTest {

  private static final Pattern STARTED =
      Pattern.compile("Started an embedded AgentSim at http://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir Path dir;

  /**
   * {@code databaseSeen}: the embedded database was seen listening on {@code databasePort} during
   * the command.
   */
  record Outcome(
      int exitCode,
      String out,
      String err,
      int serverPort,
      int databasePort,
      boolean databaseSeen) {}

  @Test
  void theDemoSuiteRunsOnAnEmbeddedServerThatIsGoneAfterwards() throws Exception {
    Path junit = dir.resolve("report.xml");

    Outcome outcome =
        run("test", Path.of("../examples/demo-suite.yaml").toString(), "--junit", junit.toString());

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.out())
        .contains("demo smoke: 5/5 runs done")
        .containsPattern("demo smoke\\s+5\\s+\\d\\s+\\d\\s+0\\s+\\d+%\\s+PASSED");
    Element report =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(junit.toFile())
            .getDocumentElement();
    assertThat(report.getAttribute("tests")).isEqualTo("5");
    NodeList cases = report.getElementsByTagName("testcase");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      names.add(((Element) cases.item(i)).getAttribute("name"));
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "Book a flight #1",
            "Book a flight #2",
            "Book a flight #3",
            "Book a flight #4",
            "Book a flight #5");
    assertStopped(outcome);
  }

  @Test
  void aBadFileExitsTwoAndStopsTheEmbeddedServerToo() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "scenarios:\n  - name: x\n    maxTurns: -1\n");

    Outcome outcome = run("test", file.toString());

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(file + ": scenarios[0].maxTurns");
    assertStopped(outcome);
  }

  @Test
  void commandsThatReadWhatRanNeedAServer() throws Exception {
    Outcome outcome = run("batches", "list");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("error: agentsim batches list needs --server");
    assertThat(outcome.serverPort()).isZero();
  }

  @Test
  void aServerNeedsAProject() throws Exception {
    Outcome outcome = run("export", "--server", "http://127.0.0.1:1");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("error: --project is required with --server");
  }

  /**
   * Runs the command line with the embedded database on a port chosen here, so that the test can
   * tell that this database, not another test's, is stopped.
   */
  private static Outcome run(String... args) throws IOException, InterruptedException {
    int databasePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      databasePort = socket.getLocalPort();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicBoolean databaseSeen = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher =
        new Thread(
            () -> {
              while (!done.get() && !databaseSeen.get()) {
                databaseSeen.set(listening(databasePort));
                LockSupport.parkNanos(50_000_000);
              }
            });
    watcher.start();
    System.setProperty("simulator.embedded-postgres.port", String.valueOf(databasePort));
    int exitCode;
    try {
      exitCode =
          Cli.execute(
              Map.of(),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              args);
    } finally {
      System.clearProperty("simulator.embedded-postgres.port");
      done.set(true);
    }
    watcher.join();
    String errText = err.toString(StandardCharsets.UTF_8);
    Matcher started = STARTED.matcher(errText);
    return new Outcome(
        exitCode,
        out.toString(StandardCharsets.UTF_8),
        errText,
        started.find() ? Integer.parseInt(started.group(1)) : 0,
        databasePort,
        databaseSeen.get());
  }

  private static void assertStopped(Outcome outcome) {
    assertThat(outcome.serverPort()).as(outcome.toString()).isPositive();
    assertThat(outcome.databaseSeen()).as("the embedded database listened on its port").isTrue();
    assertThat(listening(outcome.serverPort())).as("the server listens").isFalse();
    assertThat(listening(outcome.databasePort())).as("the database listens").isFalse();
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
