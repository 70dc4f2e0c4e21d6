package dev.agentsim.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.store.definition.SuiteSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProgressTest {

  private final StringWriter text = new StringWriter();
  private final AtomicLong now = new AtomicLong();
  private final TestCommand.Batch smoke = batch("running", 0, 0);
  private final TestCommand.Batch regression = batch("running", 0, 0);
  private final List<TestCommand.Suite> suites =
      List.of(suite("smoke", smoke), suite("regression", regression));

  @Test
  void onATerminalEachSuiteHasABarRedrawnInPlaceWithAnEta() {
    Progress progress = new Progress(new PrintWriter(text), true, now::get);

    progress.show(suites);
    String first = text.toString();
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    smoke.state = state("running", 4, 1);
    progress.show(suites);
    String second = text.toString().substring(first.length());
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    smoke.state = state("completed", 8, 2);
    progress.show(suites);
    String third = text.toString().substring(first.length() + second.length());

    assertThat(first)
        .isEqualTo(
            """
        \u001b[2Ksmoke      [..............................] 0/10  0 passed  0 failed  0 errors  ETA --:--
        \u001b[2Kregression [..............................] 0/10  0 passed  0 failed  0 errors  ETA --:--
        """);
    // back up over both bars, then the rate so far: 5 runs in 10 s leaves 10 s for the other 5
    assertThat(second)
        .isEqualTo(
            """
        \u001b[2F\u001b[2Ksmoke      [###############...............] 5/10  4 passed  1 failed  0 errors  ETA 0:10
        \u001b[2Kregression [..............................] 0/10  0 passed  0 failed  0 errors  ETA --:--
        """);
    assertThat(third)
        .startsWith(
            "\u001b[2F\u001b[2Ksmoke      [##############################] 10/10  8 passed  "
                + "2 failed  0 errors  done in 0:15\n");
  }

  @Test
  void elsewhereALinePerSuiteWhenItsCountsChangeAndNoEscapes() {
    Progress progress = new Progress(new PrintWriter(text), false, now::get);

    progress.show(suites);
    smoke.state = state("running", 1, 0);
    progress.show(suites);
    progress.show(suites);

    assertThat(text.toString())
        .isEqualTo(
            """
        smoke: 0/10 runs done, 0 passed, 0 failed, 0 errors
        regression: 0/10 runs done, 0 passed, 0 failed, 0 errors
        smoke: 1/10 runs done, 1 passed, 0 failed, 0 errors
        """)
        .doesNotContain("\u001b");
  }

  private static TestCommand.Suite suite(String name, TestCommand.Batch batch) {
    return new TestCommand.Suite(
        new SuiteSpec(name, "bot", null, List.of("Order"), 10, 2, null, null), List.of(batch));
  }

  private static TestCommand.Batch batch(String status, int passed, int failed) {
    return new TestCommand.Batch("Order", state(status, passed, failed));
  }

  private static JsonNode state(String status, int passed, int failed) {
    return Server.JSON
        .createObjectNode()
        .put("id", "b")
        .put("status", status)
        .put("runs", 10)
        .put("succeededRuns", passed)
        .put("failedRuns", failed)
        .put("erroredRuns", 0)
        .put("stoppedRuns", 0);
  }
}
