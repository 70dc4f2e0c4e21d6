package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script of the distribution, run from the build's output as a user runs it. */
@DisabledOnOs(OS.WINDOWS)
class LauncherIT {

  private static final Path LAUNCHER = Path.of("target/agentsim").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theLauncherBesideTheJarRunsTheCommandLine() throws Exception {
    assertThat(Files.isExecutable(LAUNCHER)).as("%s is executable", LAUNCHER).isTrue();

    Run help = run(LAUNCHER, "test", "--help");

    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: agentsim test").contains("--markdown=FILE");
  }

  @Test
  void aLinkToTheLauncherFindsTheJarBesideTheLauncher() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("agentsim"), LAUNCHER);

    Run unreachable =
        run(link, "batches", "list", "--server", "http://127.0.0.1:1", "--project", "p");

    assertThat(unreachable.exitCode()).as(unreachable.output()).isEqualTo(2);
    assertThat(unreachable.output()).contains("cannot reach the server at http://127.0.0.1:1");
  }

  /**
   * Under a real pseudo-terminal (util-linux {@code script}) the command line knows it is on a
   * terminal, which is what makes {@code test} draw progress bars: its help comes in colour there,
   * and plain through a pipe.
   */
  @Test
  void onAPseudoTerminalTheCommandLineKnowsItIsOnATerminal() throws Exception {
    Path script = Path.of("/usr/bin/script");
    assumeTrue(Files.isExecutable(script), "util-linux script is not installed");

    Run onTerminal = run(script, "-qec", LAUNCHER + " test --help", "/dev/null");
    Run piped = run(LAUNCHER, "test", "--help");

    assertThat(onTerminal.exitCode()).as(onTerminal.output()).isZero();
    assertThat(onTerminal.output()).contains("--markdown").contains("\u001B[");
    assertThat(piped.output()).contains("--markdown").doesNotContain("\u001B[");
  }

  record Run(int exitCode, String output) {}

  private Run run(Path launcher, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString());
    builder.command().addAll(List.of(args));
    builder.directory(dir.toFile()).redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }
}
