package dev.agentsim.activities.llm;

import dev.agentsim.activities.Failures;
import dev.agentsim.activities.outbound.OutboundHttp;
import dev.agentsim.store.outbound.OutboundPolicy;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The HTTP client under every provider's LangChain4j model. It does what LangChain4j's JDK client
 * does for a plain request, and also keeps the {@code Retry-After} of an error response, which
 * LangChain4j's {@link HttpException} drops: see {@link ProviderHttpException}. Chat calls only:
 * the simulator does not stream.
 *
 * <p>Like an agent's, a model's calls pass the outbound policy right before they connect, their
 * reply is bounded in length, and the model's timeout bounds the whole exchange, the body read to
 * its end included ({@link OutboundHttp}). Redirects are not followed: they would carry the key
 * elsewhere.
 */
final class ProviderHttpClient implements HttpClient {

  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  private final OutboundHttp outbound;
  private final java.net.http.HttpClient http;
  private final Duration readTimeout;

  private ProviderHttpClient(Builder builder) {
    this.outbound = builder.outbound;
    this.http =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(
                builder.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : builder.connectTimeout)
            .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
            // Inline, as the agent's client: see AgentHttp.
            .executor(Runnable::run)
            .build();
    this.readTimeout = builder.readTimeout == null ? DEFAULT_READ_TIMEOUT : builder.readTimeout;
  }

  static Builder builder(OutboundHttp outbound) {
    return new Builder(outbound);
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder jdk =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
            .timeout(readTimeout)
            .method(
                request.method().name(),
                request.body() == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
    request.headers().forEach((name, values) -> values.forEach(value -> jdk.header(name, value)));
    HttpResponse<String> response;
    try {
      response = outbound.send(http, jdk.build(), readTimeout);
    } catch (OutboundPolicy.Refused e) {
      throw new Refused("The model's URL is not allowed: it " + e.getMessage());
    } catch (OutboundHttp.ReplyTooLarge e) {
      throw new Refused(
          "The model provider's reply is longer than "
              + e.limit()
              + " bytes (simulator.agent.max-reply-bytes)");
    } catch (HttpTimeoutException e) {
      throw new TimeoutException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the model", e);
    }
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new ProviderHttpException(
          response.statusCode(), response.body(), Failures.retryAfter(response.headers()));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(response.statusCode())
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    throw new UnsupportedOperationException("The simulator's model calls do not stream");
  }

  /** LangChain4j's models set the timeouts they were given. */
  static final class Builder implements HttpClientBuilder {

    private final OutboundHttp outbound;
    private Duration connectTimeout;
    private Duration readTimeout;

    private Builder(OutboundHttp outbound) {
      this.outbound = outbound;
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    @Override
    public HttpClient build() {
      return new ProviderHttpClient(this);
    }
  }

  /**
   * An error response, as LangChain4j expects it (its models map the status to their exception
   * types and keep this as the cause), with the delay the provider asked for.
   */
  static final class ProviderHttpException extends HttpException {

    private final transient Duration retryAfter;

    ProviderHttpException(int statusCode, String body, Duration retryAfter) {
      super(statusCode, body);
      this.retryAfter = retryAfter;
    }

    /** Null when the provider named none. */
    Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * A call the service will not make or finish, whatever the next attempt: a URL the outbound
   * policy refuses, a reply over the length limit. The message is for the run's reader.
   */
  static final class Refused extends NonRetriableException {

    Refused(String message) {
      super(message);
    }
  }
}
