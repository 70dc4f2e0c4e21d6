package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.DefinitionRepository;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.Kind;
import dev.agentsim.store.definition.ModelSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The outbound policy as a service on a network has it: nothing beyond public addresses allowed
 * ({@code simulator.outbound.allow} empty, as outside embedded mode). WireMock on loopback plays
 * the agent and the model it refuses.
 */
@TestPropertySource(properties = "simulator.outbound.allow=")
class OutboundPolicyEndToEndTest extends EmbeddedAppTest {

  private static final String REFUSED_LOOPBACK =
      "names localhost, which resolves to 127.0.0.1, a loopback address";

  @Autowired DefinitionRepository definitions;

  @Test
  void aUrlThePolicyRefusesIsA400NamingTheFieldAndNothingIsSaved() {
    int agentsBefore = agentCount();
    assertRefused(
        http.post("/v1/agents?projectId=" + PROJECT, agent("http", fakes.baseUrl() + "/agent")),
        "config.url",
        "NOT_ALLOWED",
        "config.url " + REFUSED_LOOPBACK);
    assertRefused(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            agent("cognigy-rest", "http://169.254.169.254/latest")),
        "config.url",
        "NOT_ALLOWED",
        "config.url points at 169.254.169.254, a link-local address");
    assertRefused(
        http.post(
            "/v1/agents?projectId=" + PROJECT, agent("http", "http://metadata.google.internal/")),
        "config.url",
        "NOT_ALLOWED",
        "config.url names metadata.google.internal, a cloud metadata service");
    assertRefused(
        http.post("/v1/agents?projectId=" + PROJECT, agent("http", "http://[::]:8080/")),
        "config.url",
        "NOT_ALLOWED",
        "config.url points at ::, an unspecified address");
    assertRefused(
        http.post(
            "/v1/agents?projectId=" + PROJECT,
            agent("http", "https://bot:secret@bot.example/chat")),
        "config.url",
        "INVALID_VALUE",
        "config.url must not hold a user name or password: send credentials in headers");
    assertThat(agentCount()).isEqualTo(agentsBefore);

    Http.Response saved =
        http.post("/v1/agents?projectId=" + PROJECT, agent("http", "https://bot.example/chat"));
    assertThat(saved.status()).as("%s", saved.body()).isEqualTo(201);
    assertRefused(
        http.put(
            "/v1/agents/" + saved.body().get("id") + "?projectId=" + PROJECT,
            agent("http", "http://10.0.0.7/chat")),
        "config.url",
        "NOT_ALLOWED",
        "config.url points at 10.0.0.7, a private address");

    assertRefused(
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "local",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/v1",
                "model",
                "m")),
        "baseUrl",
        "NOT_ALLOWED",
        "baseUrl " + REFUSED_LOOPBACK);
    assertRefused(
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of("name", "ollama", "provider", "ollama", "model", "llama3.2")),
        "baseUrl",
        "NOT_ALLOWED",
        "baseUrl " + REFUSED_LOOPBACK);
  }

  /** Saved while the policy allowed it (or before there was one), refused when it is called. */
  @Test
  @SuppressWarnings("unchecked")
  void anAgentTheServiceMayNoLongerCallEndsTheRunInErrorWithoutBeingCalled() {
    String agent =
        definitions
            .insert(
                PROJECT,
                Kind.AGENT,
                new AgentSpec(
                    "local agent",
                    "http",
                    new HttpAgentConfig(
                        fakes.baseUrl() + "/agent", null, null, 5_000, null, null, null, null)))
            .id()
            .toString();
    String model = insertedModel();
    String scenario =
        createScenario(Map.of("script", List.of("Hello"), "successCriteria", List.of()));

    long started = System.nanoTime();
    String batch =
        (String) schedule(scenario, scheduleBody(agent, model, 1, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    assertThat(run).containsEntry("terminationReason", "AGENT_ERROR");
    Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
    assertThat(metrics).containsEntry("status", "ERROR");
    assertThat((Map<String, Object>) metrics.get("errorInfo"))
        .containsEntry("category", "AI_AGENT_ERROR")
        .containsEntry("message", "The agent's URL is not allowed: it " + REFUSED_LOOPBACK);
    fakes.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aModelTheServiceMayNoLongerCallEndsTheRunInErrorWithoutBeingCalled() {
    String agent = createAgentAt("https://bot.example/chat");
    String model = insertedModel();
    String scenario = createScenario(Map.of("successCriteria", List.of()));

    String batch =
        (String) schedule(scenario, scheduleBody(agent, model, 1, Map.of())).body().get("id");
    awaitBatch(scenario, batch, "completed");

    Map<String, Object> run =
        http.get("/simulations/" + scenario + "/batches/" + batch + "/runs?projectId=" + PROJECT)
            .list("data")
            .get(0);
    Map<String, Object> metrics = (Map<String, Object>) run.get("metrics");
    assertThat(metrics).containsEntry("status", "ERROR");
    assertThat((Map<String, Object>) metrics.get("errorInfo"))
        .containsEntry("category", "LLM_PROVIDER_ERROR")
        .containsEntry("message", "The model's URL is not allowed: it " + REFUSED_LOOPBACK);
    assertThat(http.post("/v1/models/" + model + "/test?projectId=" + PROJECT, Map.of()).body())
        .containsEntry("ok", false)
        .containsEntry("category", "LLM_PROVIDER_ERROR")
        .containsEntry("error", "The model's URL is not allowed: it " + REFUSED_LOOPBACK);
    fakes.verify(0, anyRequestedFor(anyUrl()));
  }

  private String insertedModel() {
    return definitions
        .insert(
            PROJECT,
            Kind.MODEL,
            new ModelSpec(
                "local model",
                "openai",
                fakes.baseUrl() + "/v1",
                "fake-model",
                "sk-test-secret",
                0.2))
        .id()
        .toString();
  }

  private String createAgentAt(String url) {
    Http.Response created = http.post("/v1/agents?projectId=" + PROJECT, agent("http", url));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return (String) created.body().get("id");
  }

  private static Map<String, Object> agent(String type, String url) {
    return Map.of("name", "agent at " + url, "type", type, "config", Map.of("url", url));
  }

  private int agentCount() {
    return http.get("/v1/agents?projectId=" + PROJECT + "&limit=100").list("data").size();
  }

  private static void assertRefused(
      Http.Response response, String field, String code, String detail) {
    assertThat(response.status()).as("%s", response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body())
        .containsEntry("field", field)
        .containsEntry("code", code)
        .containsKey("traceId");
    assertThat((String) response.body().get("detail")).startsWith(detail);
  }
}
