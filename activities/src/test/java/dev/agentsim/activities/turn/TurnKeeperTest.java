package dev.agentsim.activities.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TurnKeeperTest {

  @Test
  void whatARunKeepsMayBeLoadedFromSomethingElseItKeeps() {
    // The simulated user's brief is loaded from the run's scenario, itself kept per run.
    for (int i = 0; i < 2_000; i++) {
      // A fresh, small cache each time, where two of a run's keys often share a slot.
      TurnKeeper keeper = new TurnKeeper(null, null, null);
      String run = UUID.randomUUID().toString();
      String brief =
          keeper.perRun(
              run,
              "user",
              String.class,
              () ->
                  "brief of "
                      + keeper.perRun(run, "scenario", String.class, () -> "scenario " + run));

      assertThat(brief).isEqualTo("brief of scenario " + run);
      assertThat(keeper.perRun(run, "scenario", String.class, () -> "loaded again"))
          .isEqualTo("scenario " + run);
    }
  }
}
