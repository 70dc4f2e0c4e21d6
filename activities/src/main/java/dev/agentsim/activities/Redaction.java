package dev.agentsim.activities;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Blanks secrets out of text that leaves the activity: failure messages and details, what they
 * quote of a remote party's answer, log lines. A secret is replaced only where it stands as a whole
 * token, bounded by characters that are not letters, digits, {@code _} or {@code -} (or by the
 * text's ends, or by its own first and last characters when they are none of those): a key {@code
 * k} leaves {@code UncheckedIOException} as it is, and however short a secret is, it is still
 * blanked where it stands alone.
 *
 * <p>A header value such as {@code Bearer <token>} is a secret as a whole, and its credential after
 * the scheme is one on its own, should a party quote only that.
 */
public final class Redaction {

  public static final String MASK = "***";
  public static final Redaction NONE = new Redaction(List.of());

  /** Longest first, so that a secret containing another is blanked whole. */
  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = secrets;
  }

  /** Redacts these secrets; nulls and blanks are skipped. */
  public static Redaction of(Collection<String> values) {
    Set<String> secrets = new LinkedHashSet<>();
    for (String value : values) {
      if (value == null || value.isBlank()) {
        continue;
      }
      String secret = value.strip();
      secrets.add(secret);
      String[] schemeAndCredential = secret.split("\\s+", 2);
      if (schemeAndCredential.length == 2) {
        secrets.add(schemeAndCredential[1]);
      }
    }
    List<String> ordered = new ArrayList<>(secrets);
    ordered.sort(Comparator.comparingInt(String::length).reversed());
    return new Redaction(List.copyOf(ordered));
  }

  public static Redaction of(String... values) {
    return of(Arrays.asList(values));
  }

  /** Both sets of secrets. */
  public Redaction and(Redaction other) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(other.secrets);
    return of(all);
  }

  public String apply(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String redacted = text;
    for (String secret : secrets) {
      redacted = blank(redacted, secret);
    }
    return redacted;
  }

  private static String blank(String text, String secret) {
    StringBuilder out = null;
    int from = 0;
    int at = text.indexOf(secret);
    while (at >= 0) {
      int end = at + secret.length();
      if (bounded(text, secret, at, end)) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, from, at).append(MASK);
        from = end;
        at = text.indexOf(secret, end);
      } else {
        at = text.indexOf(secret, at + 1);
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, from, text.length()).toString();
  }

  /** A secret's edge that is itself no token character is a boundary already. */
  private static boolean bounded(String text, String secret, int start, int end) {
    boolean startBounded =
        start == 0 || !tokenChar(secret.charAt(0)) || !tokenChar(text.charAt(start - 1));
    boolean endBounded =
        end == text.length()
            || !tokenChar(secret.charAt(secret.length() - 1))
            || !tokenChar(text.charAt(end));
    return startBounded && endBounded;
  }

  private static boolean tokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }
}
