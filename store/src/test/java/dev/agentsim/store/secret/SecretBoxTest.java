package dev.agentsim.store.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private final byte[] oldKey = SecretBox.newKey();
  private final byte[] newKey = SecretBox.newKey();

  @Test
  void aSealedValueIsCiphertextThatOnlyTheKeyReads() {
    SecretBox box = new SecretBox(oldKey, List.of());

    String sealed = box.seal("Bearer agent-secret");

    assertThat(sealed).startsWith("enc:v1:").doesNotContain("agent-secret");
    assertThat(box.unseal(sealed)).isEqualTo("Bearer agent-secret");
    assertThat(box.seal("Bearer agent-secret")).as("a random nonce per value").isNotEqualTo(sealed);
    assertThatThrownBy(() -> new SecretBox(newKey, List.of()).unseal(sealed))
        .isInstanceOf(SecretBox.SecretUnreadable.class)
        .hasMessageContaining("SIMULATOR_SECRETS_PREVIOUS_KEYS");
  }

  @Test
  void anAlteredValueIsRefused() {
    SecretBox box = new SecretBox(oldKey, List.of());
    String sealed = box.seal("sk-live-1");
    byte[] data = Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
    data[data.length - 1] ^= 1;
    String altered =
        sealed.substring(0, sealed.lastIndexOf(':') + 1) + Base64.getEncoder().encodeToString(data);

    assertThatThrownBy(() -> box.unseal(altered)).isInstanceOf(SecretBox.SecretUnreadable.class);
  }

  @Test
  void resealingSealsPlaintextAndValuesOfAPreviousKeyAndLeavesCurrentOnes() {
    String underOldKey = new SecretBox(oldKey, List.of()).seal("sk-live-1");
    SecretBox rotated = new SecretBox(newKey, List.of(oldKey));

    String resealed = rotated.reseal(underOldKey);
    String sealedPlaintext = rotated.reseal("stored before sealing");

    assertThat(resealed).isNotEqualTo(underOldKey);
    assertThat(new SecretBox(newKey, List.of()).unseal(resealed)).isEqualTo("sk-live-1");
    assertThat(rotated.unseal(sealedPlaintext)).isEqualTo("stored before sealing");
    assertThat(rotated.reseal(resealed)).isSameAs(resealed);
    assertThat(rotated.unseal("stored before sealing")).isEqualTo("stored before sealing");
  }

  @Test
  void aKeyMustBeTheBase64OfThirtyTwoBytes() {
    assertThatThrownBy(
            () ->
                SecretBox.decodeKey(
                    Base64.getEncoder().encodeToString(new byte[16]), "SIMULATOR_SECRETS_KEY"))
        .hasMessageStartingWith("SIMULATOR_SECRETS_KEY must be the base64 of 32 bytes");
    assertThatThrownBy(() -> SecretBox.decodeKey("not base64!", "SIMULATOR_SECRETS_KEY"))
        .hasMessageStartingWith("SIMULATOR_SECRETS_KEY is not base64");
    assertThat(SecretBox.decodeKey(Base64.getEncoder().encodeToString(newKey), "x"))
        .isEqualTo(newKey);
  }
}
