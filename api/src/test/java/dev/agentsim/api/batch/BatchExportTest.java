package dev.agentsim.api.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BatchExportTest {

  @Test
  void aJunitTimestampKeepsItsSecondsEvenOnTheMinute() {
    assertThat(BatchExport.junitTimestamp(Instant.parse("2026-12-06T18:28:00.123Z")))
        .isEqualTo("2026-12-06T18:28:00");
    assertThat(BatchExport.junitTimestamp(Instant.parse("2026-12-06T18:28:41Z")))
        .isEqualTo("2026-12-06T18:28:41");
  }
}
