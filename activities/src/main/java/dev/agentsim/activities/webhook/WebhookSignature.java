package dev.agentsim.activities.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Signature} header: {@code sha256=} and the lower-case hex of the HMAC-SHA256 of the
 * raw body, keyed with the webhook's secret as shown at its creation (its UTF-8 bytes).
 */
final class WebhookSignature {

  static final String HEADER = "X-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  static String of(String secret, String body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return "sha256="
          + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
