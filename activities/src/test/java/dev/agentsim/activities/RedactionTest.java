package dev.agentsim.activities;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void aOneCharacterKeyIsBlankedOnlyWhereItStandsAlone() {
    Redaction redaction = Redaction.of("k");

    assertThat(redaction.apply("UncheckedIOException: java.net.ConnectException (key k rejected)"))
        .isEqualTo("UncheckedIOException: java.net.ConnectException (key *** rejected)");
  }

  @Test
  void aKeyInsideALongerWordStaysAndAsAWholeWordGoes() {
    Redaction redaction = Redaction.of("sk-abc");

    assertThat(
            redaction.apply(
                "Incorrect API key provided: sk-abc. Keys like sk-abcdef or xsk-abc are others."))
        .isEqualTo("Incorrect API key provided: ***. Keys like sk-abcdef or xsk-abc are others.");
    assertThat(redaction.apply("\"api_key\":\"sk-abc\"")).isEqualTo("\"api_key\":\"***\"");
    assertThat(redaction.apply("sk-abc")).isEqualTo("***");
  }

  @Test
  void aHeaderValueGoesWholeAndItsCredentialAlone() {
    Redaction redaction = Redaction.of(List.of("Bearer tok-42"));

    assertThat(redaction.apply("got 'Bearer tok-42', and later tok-42 alone, but not tok-420"))
        .isEqualTo("got '***', and later *** alone, but not tok-420");
  }

  @Test
  void secretsThatStartOrEndWithPunctuationAreBoundedByIt() {
    Redaction redaction = Redaction.of("+abc=", "x");

    assertThat(redaction.apply("key=+abc= and y+abc=")).isEqualTo("key=*** and y***");
    assertThat(redaction.apply("max x, index")).isEqualTo("max ***, index");
  }

  @Test
  void nothingToRedactLeavesTheText() {
    assertThat(Redaction.of(null, " ", "").apply("any text")).isEqualTo("any text");
    assertThat(Redaction.NONE.apply(null)).isNull();
  }

  @Test
  void anExcerptIsRedactedFirstThenCut() {
    String body = "x".repeat(495) + " sk-abc " + "y".repeat(2_000);

    String excerpt = Failures.excerpt(body, Redaction.of("sk-abc"));

    assertThat(excerpt)
        .startsWith("x".repeat(495) + " ***")
        .doesNotContain("sk-")
        .endsWith("… (" + (body.length() - "sk-abc".length() + 3) + " chars)");
    assertThat(excerpt.length()).isLessThan(Failures.EXCERPT_CHARS + 20);
  }
}
