package dev.agentsim.activities.outbound;

import static dev.agentsim.activities.ActivitiesTestSupport.JSON;
import static dev.agentsim.activities.ActivitiesTestSupport.OUTBOUND;
import static dev.agentsim.activities.ActivitiesTestSupport.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.agentsim.activities.ActivitiesTestSupport;
import dev.agentsim.activities.agent.AgentHttp;
import dev.agentsim.activities.agent.AgentMessage;
import dev.agentsim.activities.agent.HttpAgentConnector;
import dev.agentsim.activities.llm.LlmClient;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.store.definition.ModelSpec;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an agent or a model answers is bounded: an endless body ends at the party's timeout, a 100
 * MB body at the length limit, and the connection is closed in both cases. A URL the outbound
 * policy refuses is never connected to. The parties are a JDK HTTP server streaming bytes.
 */
class OutboundLimitsTest {

  private static final long HUNDRED_MB = 100L * 1024 * 1024;
  private static final int TIMEOUT_MS = 1_000;

  private static HttpServer server;
  private static ExecutorService threads;
  private static String baseUrl;

  /** Requests per path. */
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  /** Counted down when a streaming handler finds its client gone. */
  private static final Map<String, CountDownLatch> hungUp = new ConcurrentHashMap<>();

  private static final Map<String, AtomicLong> written = new ConcurrentHashMap<>();

  private final HttpAgentConnector agents =
      new HttpAgentConnector(JSON, new AgentHttp(JSON, OUTBOUND, SECRETS));
  private final LlmClient models =
      new LlmClient(
          mock(LlmCallRepository.class),
          OUTBOUND,
          SECRETS,
          Duration.ofSeconds(5),
          ActivitiesTestSupport.METRICS);

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    stream("/agent/endless", exchange -> endless(exchange, "{\"text\": \""));
    stream("/model/endless/", exchange -> endless(exchange, "{\"id\": \""));
    stream("/agent/huge", OutboundLimitsTest::huge);
    stream("/model/huge/", OutboundLimitsTest::huge);
    stream(
        "/agent/huge-declared",
        exchange -> {
          exchange.sendResponseHeaders(200, HUNDRED_MB);
          write(exchange, "/agent/huge-declared");
        });
    stream(
        "/agent/redirect",
        exchange -> {
          exchange.getResponseHeaders().add("Location", baseUrl + "/agent/target");
          exchange.sendResponseHeaders(302, -1);
        });
    stream(
        "/agent/target",
        exchange -> {
          byte[] body = "{\"text\": \"followed\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
        });
    server.start();
    baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    threads.shutdownNow();
  }

  private static void stream(String path, HttpHandler handler) {
    hits.put(path, new AtomicInteger());
    hungUp.put(path, new CountDownLatch(1));
    written.put(path, new AtomicLong());
    server.createContext(
        path,
        exchange -> {
          hits.get(path).incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          try (exchange) {
            handler.handle(exchange);
          } catch (IOException clientGone) {
            hungUp.get(path).countDown();
          }
        });
  }

  /** A JSON string that never ends, a few bytes at a time. */
  private static void endless(HttpExchange exchange, String start) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    OutputStream body = exchange.getResponseBody();
    body.write(start.getBytes(StandardCharsets.UTF_8));
    while (true) {
      body.write("still talking ".getBytes(StandardCharsets.UTF_8));
      body.flush();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void huge(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    write(exchange, exchange.getHttpContext().getPath());
  }

  /** 100 MB as fast as the client takes them. */
  private static void write(HttpExchange exchange, String path) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'a');
    OutputStream body = exchange.getResponseBody();
    for (long sent = 0; sent < HUNDRED_MB; sent += chunk.length) {
      body.write(chunk);
      written.get(path).addAndGet(chunk.length);
    }
  }

  private static HttpAgentConfig agent(String path) {
    return new HttpAgentConfig(baseUrl + path, null, null, TIMEOUT_MS, null, null, null, null);
  }

  private static AgentMessage message() {
    return new AgentMessage("s-1", "u-1", "Hello", Map.of(), 1, null, null, "run:1");
  }

  private ApplicationFailure agentFailure(HttpAgentConnector connector, HttpAgentConfig config) {
    return catchThrowableOfType(ApplicationFailure.class, () -> connector.send(config, message()));
  }

  private ApplicationFailure modelFailure(LlmClient client, String path) {
    ModelSpec spec =
        new ModelSpec(
            "streaming",
            "openai",
            baseUrl + path + "v1",
            "m",
            "sk-key",
            null,
            null,
            TIMEOUT_MS,
            null,
            null,
            null,
            null);
    return catchThrowableOfType(
        ApplicationFailure.class,
        () ->
            client.chat(
                UUID.randomUUID(),
                spec,
                ChatRequest.builder().messages(UserMessage.from("Hello")).build()));
  }

  @Test
  void anEndlessReplyFromAnAgentEndsAtItsTimeoutAndIsRetried() throws InterruptedException {
    long started = System.nanoTime();
    ApplicationFailure failure = agentFailure(agents, agent("/agent/endless"));

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(Duration.ofMillis(TIMEOUT_MS + 1_000));
    assertThat(failure.getType()).isEqualTo("AI_AGENT_TIMEOUT");
    assertThat(failure.getOriginalMessage()).isEqualTo("The agent did not answer within 1000 ms");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(hungUp.get("/agent/endless").await(5, TimeUnit.SECONDS))
        .as("the connection is closed")
        .isTrue();
  }

  @Test
  void aHundredMegabyteReplyFromAnAgentStopsAtTheLimitForGood() throws InterruptedException {
    for (String path : new String[] {"/agent/huge", "/agent/huge-declared"}) {
      long started = System.nanoTime();
      ApplicationFailure failure = agentFailure(agents, agent(path));

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(Duration.ofMillis(TIMEOUT_MS));
      assertThat(failure.getType()).isEqualTo("AI_AGENT_ERROR");
      assertThat(failure.getOriginalMessage())
          .isEqualTo(
              "The agent's reply is longer than 1048576 bytes (simulator.agent.max-reply-bytes)");
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(hungUp.get(path).await(5, TimeUnit.SECONDS))
          .as("the connection is closed")
          .isTrue();
      assertThat(written.get(path).get()).isLessThan(HUNDRED_MB);
    }
  }

  @Test
  void anEndlessReplyFromAModelEndsAtItsTimeoutAndIsRetried() throws InterruptedException {
    long started = System.nanoTime();
    ApplicationFailure failure = modelFailure(models, "/model/endless/");

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(Duration.ofMillis(TIMEOUT_MS + 1_000));
    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.getOriginalMessage()).isEqualTo("The model did not answer within 1 s");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(hungUp.get("/model/endless/").await(5, TimeUnit.SECONDS))
        .as("the connection is closed")
        .isTrue();
  }

  @Test
  void aHundredMegabyteReplyFromAModelStopsAtTheLimitForGood() throws InterruptedException {
    ApplicationFailure failure = modelFailure(models, "/model/huge/");

    assertThat(failure.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "The model provider's reply is longer than 1048576 bytes (simulator.agent.max-reply-bytes)");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(hungUp.get("/model/huge/").await(5, TimeUnit.SECONDS))
        .as("the connection is closed")
        .isTrue();
    assertThat(written.get("/model/huge/").get()).isLessThan(HUNDRED_MB);
  }

  @Test
  void aRefusedAddressIsNeverConnectedTo() {
    OutboundHttp strict = new OutboundHttp(OutboundPolicy.allowing(), 1024 * 1024);
    int before = hits.get("/agent/target").get();

    ApplicationFailure agent =
        agentFailure(
            new HttpAgentConnector(JSON, new AgentHttp(JSON, strict, SECRETS)),
            agent("/agent/target"));
    ApplicationFailure model =
        modelFailure(
            new LlmClient(
                mock(LlmCallRepository.class),
                strict,
                SECRETS,
                Duration.ofSeconds(5),
                ActivitiesTestSupport.METRICS),
            "/agent/target/");

    assertThat(agent.getType()).isEqualTo("AI_AGENT_ERROR");
    assertThat(agent.isNonRetryable()).isTrue();
    assertThat(agent.getOriginalMessage())
        .isEqualTo("The agent's URL is not allowed: it points at 127.0.0.1, a loopback address");
    assertThat(model.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(model.isNonRetryable()).isTrue();
    assertThat(model.getOriginalMessage())
        .isEqualTo("The model's URL is not allowed: it points at 127.0.0.1, a loopback address");
    assertThat(hits.get("/agent/target").get()).isEqualTo(before);
  }

  @Test
  void redirectsAreNotFollowed() {
    int before = hits.get("/agent/target").get();

    ApplicationFailure failure = agentFailure(agents, agent("/agent/redirect"));
    ApplicationFailure model = modelFailure(models, "/agent/redirect/");

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("The agent answered HTTP 302 (a redirect;");
    assertThat(model.getType()).isEqualTo("LLM_PROVIDER_ERROR");
    assertThat(hits.get("/agent/target").get()).isEqualTo(before);
  }

  @Test
  void aReplyPathWithARegexFilterIsRefusedBeforeAnythingIsSent() {
    int before = hits.get("/agent/target").get();
    HttpAgentConfig config =
        new HttpAgentConfig(
            baseUrl + "/agent/target",
            null,
            null,
            TIMEOUT_MS,
            null,
            "$[?(@.text =~ /(.*a){30}x/)].text",
            null,
            null);

    ApplicationFailure failure = agentFailure(agents, config);

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("uses a regex filter (=~)");
    assertThat(hits.get("/agent/target").get()).isEqualTo(before);
  }
}
