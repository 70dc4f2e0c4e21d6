package dev.agentsim.worker.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How {@code agentsim test} shows its suites while their batches run: on a terminal a progress bar
 * per suite, redrawn in place; elsewhere (a CI log, a file) a plain line per suite whenever its
 * counts change, since escapes would only clutter a log.
 */
final class Progress {

  private static final int BAR_WIDTH = 30;
  private static final String ESC = "\u001b[";

  private final PrintWriter out;
  private final boolean redraw;
  private final LongSupplier nanoTime;
  private final long start;
  private final Map<String, String> printed = new HashMap<>();

  /** When each finished suite was first seen finished: its time stays put while others run on. */
  private final Map<String, Duration> tookTime = new HashMap<>();

  private int drawnLines;

  Progress(PrintWriter out, boolean redraw, LongSupplier nanoTime) {
    this.out = out;
    this.redraw = redraw;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  void show(List<TestCommand.Suite> suites) {
    if (redraw) {
      draw(suites);
    } else {
      for (TestCommand.Suite suite : suites) {
        String progress = suite.progress();
        if (!progress.equals(printed.put(suite.spec().name(), progress))) {
          out.println(progress);
        }
      }
    }
    out.flush();
  }

  /**
   * Moves the cursor back over the bars drawn last time and draws them again, each line cleared
   * first.
   */
  private void draw(List<TestCommand.Suite> suites) {
    if (drawnLines > 0) {
      out.print(ESC + drawnLines + "F");
    }
    int nameWidth = suites.stream().mapToInt(suite -> suite.spec().name().length()).max().orElse(0);
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
    for (TestCommand.Suite suite : suites) {
      out.print(ESC + "2K" + bar(suite, nameWidth, elapsed) + "\n");
    }
    drawnLines = suites.size();
  }

  private String bar(TestCommand.Suite suite, int nameWidth, Duration elapsed) {
    int total = suite.count("runs");
    int done = suite.done();
    int filled = total == 0 ? 0 : (int) ((long) BAR_WIDTH * done / total);
    return ("%-" + nameWidth + "s [%s%s] %d/%d  %d passed  %d failed  %d errors  %s")
        .formatted(
            suite.spec().name(),
            "#".repeat(filled),
            ".".repeat(BAR_WIDTH - filled),
            done,
            total,
            suite.passed(),
            suite.failed(),
            suite.errors(),
            eta(suite, done, total, elapsed));
  }

  /** The time the suite's remaining runs take at the rate of those done so far. */
  private String eta(TestCommand.Suite suite, int done, int total, Duration elapsed) {
    if (suite.batches().stream().allMatch(TestCommand.Batch::finished)) {
      return "done in " + clock(tookTime.computeIfAbsent(suite.spec().name(), name -> elapsed));
    }
    if (done == 0) {
      return "ETA --:--";
    }
    return "ETA " + clock(elapsed.multipliedBy(total - done).dividedBy(done));
  }

  private static String clock(Duration duration) {
    long seconds = (duration.toMillis() + 999) / 1000;
    return seconds >= 3600
        ? "%d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60)
        : "%d:%02d".formatted(seconds / 60, seconds % 60);
  }
}
