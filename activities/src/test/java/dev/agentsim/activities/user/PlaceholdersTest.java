package dev.agentsim.activities.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {

  @Test
  void fillsKnownNamesAndKeepsUnknownOnes() {
    assertThat(Placeholders.fill("Order {{ item }} for {{who}}", Map.of("item", "a pizza")))
        .isEqualTo("Order a pizza for {{who}}");
  }

  @Test
  void aTextThatManyPlaceholdersOfALongValueWouldBlowUpIsRefused() {
    String mission = "{{v}}".repeat(20_000);

    assertThatThrownBy(() -> Placeholders.fill(mission, Map.of("v", "y".repeat(100_000))))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getOriginalMessage())
                  .contains("longer than " + Placeholders.MAX_FILLED);
            });
  }
}
