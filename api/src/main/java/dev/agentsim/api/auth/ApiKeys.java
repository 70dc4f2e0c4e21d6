package dev.agentsim.api.auth;

import dev.agentsim.store.apikey.ApiKey;
import dev.agentsim.store.apikey.ApiKeyRepository;
import dev.agentsim.store.settings.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.stereotype.Service;

/**
 * API keys: {@code ask_} and 43 characters of a 256-bit random secret, kept as its SHA-256 only,
 * and the admin key of {@code simulator.auth.admin-key}, which is not stored and is valid for every
 * project with every scope.
 */
@Service
public class ApiKeys {

  public static final String PREFIX = "ask_";

  /** Short admin keys are guessable: the configured one must be at least this long. */
  static final int MIN_ADMIN_KEY_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApiKeyRepository repository;
  private final byte[] adminKeyHash;

  public ApiKeys(ApiKeyRepository repository, SimulatorSettings settings) {
    String adminKey = settings.auth().adminKey();
    this.repository = repository;
    if (!adminKey.isBlank() && adminKey.strip().length() < MIN_ADMIN_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "simulator.auth.admin-key (SIMULATOR_ADMIN_KEY) must be at least "
              + MIN_ADMIN_KEY_LENGTH
              + " characters long");
    }
    this.adminKeyHash = adminKey.isBlank() ? null : hash(adminKey.strip());
  }

  /** A key created: the stored record, and its secret, which is shown this once. */
  public record Created(ApiKey key, String secret) {}

  public boolean adminKeyConfigured() {
    return adminKeyHash != null;
  }

  /** Whether the token is meant as an API key rather than a JWT. */
  public boolean isApiKey(String token) {
    return token.startsWith(PREFIX)
        || (adminKeyHash != null && MessageDigest.isEqual(adminKeyHash, hash(token)));
  }

  /**
   * What the key may use.
   *
   * @throws BadCredentialsException for an unknown or revoked key
   * @throws CredentialsExpiredException for an expired one
   */
  public Access authenticate(String token) {
    byte[] hash = hash(token);
    if (adminKeyHash != null && MessageDigest.isEqual(adminKeyHash, hash)) {
      return new Access(
          "admin key (simulator.auth.admin-key)", true, Set.of(), EnumSet.allOf(Scope.class));
    }
    ApiKey key =
        repository
            .findBySecretHash(hash)
            .orElseThrow(() -> new BadCredentialsException("Invalid API key"));
    if (key.revokedAt() != null) {
      throw new BadCredentialsException("The API key " + key.id() + " has been revoked");
    }
    if (key.expiresAt() != null && !key.expiresAt().isAfter(Instant.now())) {
      throw new CredentialsExpiredException(
          "The API key " + key.id() + " expired at " + key.expiresAt());
    }
    return new Access(
        "API key " + key.id(),
        key.projectId() == null,
        key.projectId() == null ? Set.of() : Set.of(key.projectId()),
        key.scopes().stream().map(Scope::of).flatMap(Optional::stream).collect(Collectors.toSet()));
  }

  /**
   * @param projectId null: a key for every project
   */
  public Created create(String projectId, String name, Set<Scope> scopes, Instant expiresAt) {
    String secret = secret();
    return new Created(
        repository.insert(projectId, name, wire(scopes), expiresAt, hash(secret)), secret);
  }

  /** An admin key for every project, unless the database has ever held a key. */
  public Optional<Created> createFirst() {
    String secret = secret();
    return repository
        .insertFirst("first admin key", wire(EnumSet.allOf(Scope.class)), hash(secret))
        .map(key -> new Created(key, secret));
  }

  private static List<String> wire(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::wire).toList();
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
