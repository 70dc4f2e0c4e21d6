package dev.agentsim.worker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A download written as it arrives, to a file or to standard output. */
final class Download {

  private Download() {}

  static void write(InputStream body, Path output, PrintWriter out) {
    try (body) {
      if (output == null) {
        new InputStreamReader(body, StandardCharsets.UTF_8).transferTo(out);
        out.flush();
      } else {
        Files.copy(body, output, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new Failure(
          (output == null ? "cannot read the download" : output + ": cannot write the file")
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
