package dev.agentsim.store.settings;

import dev.agentsim.workflows.RetrySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * The service's own settings, the {@code simulator.*} properties, with their defaults. Durations
 * take {@code 60s}, {@code 2m} or {@code PT90S}, a bare number being milliseconds; sizes take
 * {@code 1MB} or {@code 512KB} (binary units), a bare number being bytes.
 *
 * @param runTimeoutSeconds longest a run may take before it ends in ERROR
 * @param temporalUiUrl the Temporal Web UI's address of the service's namespace, e.g. {@code
 *     http://localhost:8233/namespaces/default}: the results viewer links each batch and run to its
 *     workflow there; blank for no links
 */
@ConfigurationProperties("simulator")
public record SimulatorSettings(
    @DefaultValue Retry retry,
    @DefaultValue("1800") long runTimeoutSeconds,
    @DefaultValue Llm llm,
    @DefaultValue Agent agent,
    @DefaultValue Batch batch,
    @DefaultValue Rejudge rejudge,
    @DefaultValue Sweep sweep,
    @DefaultValue Retention retention,
    @DefaultValue Outbound outbound,
    @DefaultValue Webhooks webhooks,
    @DefaultValue Api api,
    @DefaultValue Auth auth,
    @DefaultValue Secrets secrets,
    @DefaultValue Feather feather,
    @DefaultValue Interactly interactly,
    @DefaultValue Worker worker,
    @DefaultValue Metrics metrics,
    @DefaultValue EmbeddedTemporal embeddedTemporal,
    @DefaultValue EmbeddedPostgres embeddedPostgres,
    @DefaultValue("") String temporalUiUrl) {

  /**
   * The settings a context's environment gives, for code that runs before the context has beans.
   */
  public static SimulatorSettings of(Environment environment) {
    return Binder.get(environment).bindOrCreate("simulator", SimulatorSettings.class);
  }

  /** The settings the given properties ({@code simulator.retry.max-attempts} and so on) give. */
  public static SimulatorSettings of(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("simulator", SimulatorSettings.class);
  }

  /** How activities are retried: attempts, the first back-off, and each attempt's time limits. */
  public record Retry(
      @DefaultValue("4") int maxAttempts,
      @DefaultValue("1000") long initialIntervalMs,
      @DefaultValue("120") long attemptTimeoutSeconds,
      @DefaultValue("10") long heartbeatTimeoutSeconds) {

    public RetrySettings settings() {
      return new RetrySettings(
          maxAttempts, initialIntervalMs, attemptTimeoutSeconds, heartbeatTimeoutSeconds);
    }
  }

  /**
   * Model calls.
   *
   * @param timeout one call's longest wait for its answer
   * @param slotWait how long a call waits for one of its model's {@code maxConcurrency} slots
   *     before it fails retryably
   * @param baseUrl, apiKey, model the demo model's provider, when the demo is seeded
   */
  public record Llm(
      @DefaultValue("60s") Duration timeout,
      @DefaultValue("30s") Duration slotWait,
      @DefaultValue("") String baseUrl,
      @DefaultValue("") String apiKey,
      @DefaultValue("gpt-4o-mini") String model) {}

  /** Calls to agents: a longer reply is refused, and ends the run in ERROR. */
  public record Agent(@DefaultValue("1MB") DataSize maxReplyBytes) {}

  /** How long a batch workflow waits for its runs before it checks on them. */
  public record Batch(@DefaultValue("5m") Duration stallCheck) {}

  /** Runs one rejudge judges at once. */
  public record Rejudge(@DefaultValue("10") int concurrency) {}

  /**
   * How often batches and rejudges under way are checked against Temporal, and how old they must
   * be.
   */
  public record Sweep(@DefaultValue("5m") Duration every, @DefaultValue("10m") Duration after) {}

  /**
   * How long results are kept: runs older than a project's retention are deleted by a daily
   * cleanup.
   *
   * @param days the retention of a project that sets none of its own
   * @param chunk rows deleted per transaction
   */
  public record Retention(@DefaultValue("30") int days, @DefaultValue("1000") int chunk) {}

  /** CIDRs, addresses and host names agents and models may be on beyond public addresses. */
  public record Outbound(@DefaultValue List<String> allow) {}

  /**
   * Webhook deliveries: a delivery is retried until its receiver answers 2xx, at most {@code
   * maxAttempts} requests, the first retry {@code initialInterval} after the first failure, each
   * wait twice the last, none longer than {@code maxInterval}.
   *
   * @param timeout one request's limit, the receiver's whole answer included
   */
  public record Webhooks(
      @DefaultValue("20") int maxAttempts,
      @DefaultValue("10s") Duration initialInterval,
      @DefaultValue("1h") Duration maxInterval,
      @DefaultValue("10s") Duration timeout) {}

  /**
   * The largest request body (413 beyond), and the time its whole body has to arrive (408 after).
   */
  public record Api(
      @DefaultValue("5MB") DataSize maxBodyBytes, @DefaultValue("30s") Duration bodyReadTimeout) {}

  /**
   * Who may call the API.
   *
   * @param adminKey a key for every project, not stored; at least 16 characters
   * @param jwt the claim naming the projects a JWT may use
   */
  public record Auth(
      @DefaultValue("true") boolean required,
      @DefaultValue("") String adminKey,
      @DefaultValue Jwt jwt) {

    public record Jwt(@DefaultValue("projects") String projectsClaim) {}
  }

  /** The key stored secrets are sealed with, and the keys it replaced (base64 of 32 bytes each). */
  public record Secrets(@DefaultValue("") String key, @DefaultValue List<String> previousKeys) {}

  /** The project of a Feather request that names none. */
  public record Feather(@DefaultValue("demo") String defaultProject) {}

  /** The project of an Interactly request that names no team. */
  public record Interactly(@DefaultValue("default") String defaultTeamId) {}

  /**
   * This process's workers.
   *
   * @param stickyQueues whether a workflow's next tasks go to the worker that has it cached
   * @param startWhenReachable start the workers once an external Temporal answers, rather than with
   *     the application
   */
  public record Worker(
      @DefaultValue("true") boolean stickyQueues,
      @DefaultValue("false") boolean startWhenReachable) {}

  /**
   * What the service reports to Prometheus.
   *
   * @param maxAgents agents whose turn latency is reported each under its own id; turns of further
   *     agents are not reported, so that a deployment with many agents keeps its series bounded
   */
  public record Metrics(@DefaultValue("100") int maxAgents) {}

  /** How long the in-process Temporal keeps a closed workflow. */
  public record EmbeddedTemporal(@DefaultValue("15s") Duration keepClosed) {}

  /**
   * The embedded PostgreSQL: the directory that keeps its data (blank: a fresh database on every
   * start), its port (0: any free one).
   */
  public record EmbeddedPostgres(
      @DefaultValue("") String dataDirectory, @DefaultValue("0") int port) {}
}
