package dev.agentsim.store.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

  @Test
  void patternsRunInLinearTime() {
    var pattern = Expressions.regex("(.*a){30}x", true);

    assertThat(
            assertTimeoutPreemptively(
                Duration.ofSeconds(1), () -> pattern.matcher("a".repeat(50)).find()))
        .isFalse();
  }

  @Test
  void caseInsensitiveUnlessAskedOtherwise() {
    assertThat(Expressions.regex("refund", false).matcher("A REFUND").find()).isTrue();
    assertThat(Expressions.regex("refund", true).matcher("A REFUND").find()).isFalse();
  }

  @Test
  void backReferencesAndLookAroundsAreRefused() {
    assertThatThrownBy(() -> Expressions.regex("(a)\\1", true))
        .hasMessageContaining("no back-references");
    assertThatThrownBy(() -> Expressions.regex("a(?=b)", true))
        .hasMessageContaining("is not a valid regular expression");
  }

  @Test
  void jsonPathRegexFiltersAreRefused() {
    assertThat(Expressions.jsonPath("$.outputs[?(@.text == 'hi')].data").getPath()).isNotEmpty();
    assertThatThrownBy(() -> Expressions.jsonPath("$.outputs[?(@.text =~ /(.*a){30}x/)]"))
        .hasMessageContaining("uses a regex filter (=~)");
    assertThatThrownBy(() -> Expressions.jsonPath("$.outputs[?(@.text=~/a/i)]"))
        .hasMessageContaining("uses a regex filter (=~)");
    assertThatThrownBy(() -> Expressions.jsonPath("$.["))
        .hasMessageContaining("is not a valid JsonPath expression");
  }
}
