package dev.agentsim.store.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets for storage with AES-256-GCM, a random 96-bit nonce per value. The stored form is
 * {@code enc:v1:<key id>:<base64 of nonce and ciphertext>}; the key id (the first 8 hex digits of
 * the key's SHA-256) tells which key sealed it, so values sealed with a previous key stay readable
 * until they are sealed again with the current one.
 *
 * <p>A value without the prefix is one stored before secrets were sealed: it reads as it is, and
 * {@link #reseal} seals it.
 */
public final class SecretBox {

  public static final String PREFIX = "enc:";
  private static final String VERSION = "v1";
  private static final String SEALED = PREFIX + VERSION + ":";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentId;
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

  /**
   * @param current the key new values are sealed with
   * @param previous keys values may still be sealed with, readable until re-sealed
   */
  public SecretBox(byte[] current, List<byte[]> previous) {
    this.currentId = add(current);
    previous.forEach(this::add);
  }

  /** A box with a fresh random key, for data that does not outlive the process. */
  public static SecretBox ephemeral() {
    return new SecretBox(newKey(), List.of());
  }

  /** 32 random bytes: a new key. */
  public static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  /**
   * Reads a key as configured: the base64 of 32 bytes.
   *
   * @param setting the configuration's name, for the message when the key is not one
   */
  public static byte[] decodeKey(String base64, String setting) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting
              + " is not base64: give the base64 of 32 random bytes, "
              + "e.g. the output of `openssl rand -base64 32`");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          setting
              + " must be the base64 of 32 bytes, not of "
              + key.length
              + ": e.g. the output of `openssl rand -base64 32`");
    }
    return key;
  }

  public static boolean isSealed(String value) {
    return value != null && value.startsWith(PREFIX);
  }

  /** The value sealed with the current key; null stays null. */
  public String seal(String plain) {
    if (plain == null) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    String header = SEALED + currentId + ":";
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(currentId), nonce, header);
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] stored =
          ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return header + Base64.getEncoder().encodeToString(stored);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The secret a stored value holds; a value stored before sealing reads as it is.
   *
   * @throws SecretUnreadable when the value was sealed with a key this box does not have, or was
   *     altered
   */
  public String unseal(String stored) {
    if (!isSealed(stored)) {
      return stored;
    }
    String[] parts = stored.split(":", 4);
    if (parts.length != 4 || !VERSION.equals(parts[1])) {
      throw new SecretUnreadable("a sealed secret is not in the form enc:v1:<key id>:<data>");
    }
    SecretKeySpec key = keys.get(parts[2]);
    if (key == null) {
      throw new SecretUnreadable(
          "a secret is sealed with key "
              + parts[2]
              + ", which this service does not have: "
              + "give it in simulator.secrets.previous-keys (SIMULATOR_SECRETS_PREVIOUS_KEYS)");
    }
    try {
      byte[] data = Base64.getDecoder().decode(parts[3]);
      if (data.length <= NONCE_BYTES) {
        throw new SecretUnreadable("a sealed secret is too short");
      }
      byte[] nonce = Arrays.copyOf(data, NONCE_BYTES);
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, SEALED + parts[2] + ":");
      return new String(
          cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new SecretUnreadable(
          "a sealed secret cannot be read with key " + parts[2] + ": it was altered");
    }
  }

  /**
   * The value as it should be stored: sealed with the current key. A value sealed with the current
   * key is returned as it is; one stored before sealing, or sealed with a previous key, is sealed
   * anew.
   */
  public String reseal(String value) {
    if (value == null || value.startsWith(SEALED + currentId + ":")) {
      return value;
    }
    return seal(unseal(value));
  }

  private String add(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a secrets key has 32 bytes, not " + key.length);
    }
    String id = keyId(key);
    keys.putIfAbsent(id, new SecretKeySpec(key, "AES"));
    return id;
  }

  private static String keyId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The stored form's header is authenticated too: a value cannot be passed off as another key's.
   */
  private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, String header)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(header.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  /** A sealed secret that cannot be read: sealed with a key this service lacks, or altered. */
  public static final class SecretUnreadable extends RuntimeException {

    public SecretUnreadable(String message) {
      super(message);
    }
  }
}
