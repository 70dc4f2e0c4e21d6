package dev.agentsim.activities.outbound;

import dev.agentsim.store.outbound.OutboundPolicy;
import dev.agentsim.store.settings.SimulatorSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One request to a party a user configured (an agent, a model), within bounds: the host passes the
 * {@link OutboundPolicy} right before the connection, the reply may be at most {@code
 * simulator.agent.max-reply-bytes} long (1 MiB by default), and the whole exchange, the body read
 * to its end included, must be over by the deadline. The JDK client's own request timeout ends when
 * the headers arrive; an agent streaming an endless body would hold a worker thread for good
 * without the deadline here.
 */
@Component
public class OutboundHttp {

  private final OutboundPolicy policy;
  private final long maxReplyBytes;

  /**
   * @param maxReplyBytes {@code simulator.agent.max-reply-bytes}: {@code 1MB}, {@code 512KB}; a
   *     bare number is bytes. Binary units: 1MB is 1,048,576 bytes.
   */
  @Autowired
  public OutboundHttp(OutboundPolicy policy, SimulatorSettings settings) {
    this(policy, settings.agent().maxReplyBytes().toBytes());
  }

  public OutboundHttp(OutboundPolicy policy, long maxReplyBytes) {
    this.policy = policy;
    this.maxReplyBytes = maxReplyBytes;
  }

  public long maxReplyBytes() {
    return maxReplyBytes;
  }

  /**
   * Sends the request and reads the reply as UTF-8 text.
   *
   * @throws OutboundPolicy.Refused when the host is not to be called
   * @throws ReplyTooLarge when the reply is longer than the limit (what was read is dropped)
   * @throws HttpTimeoutException when the reply is not complete by the deadline
   * @throws IOException when the connection fails, or the host does not resolve
   */
  public HttpResponse<String> send(HttpClient client, HttpRequest request, Duration deadline)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    policy.checkConnection(request.uri());
    AtomicReference<Bounded> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<String>> response =
        client.sendAsync(
            request,
            info -> {
              Bounded bounded =
                  new Bounded(
                      maxReplyBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1));
              body.set(bounded);
              return bounded;
            });
    try {
      return response.get(deadline.toNanos() - (System.nanoTime() - started), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort(response, body.get());
      throw new HttpTimeoutException("no complete reply within " + deadline.toMillis() + " ms");
    } catch (InterruptedException e) {
      abort(response, body.get());
      throw e;
    } catch (ExecutionException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof ReplyTooLarge tooLarge) {
          throw tooLarge;
        }
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * Cancelling the body's subscription closes the connection, whatever state the exchange is in.
   */
  private static void abort(CompletableFuture<?> response, Bounded body) {
    if (body != null) {
      body.cancel();
    }
    response.cancel(true);
  }

  /** The reply was longer than {@code simulator.agent.max-reply-bytes}. */
  public static final class ReplyTooLarge extends IOException {

    private final long limit;

    ReplyTooLarge(long limit) {
      super("the reply is longer than " + limit + " bytes");
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }

  /** Collects the body up to the limit, and gives up (closing the connection) beyond it. */
  private static final class Bounded implements BodySubscriber<String> {

    private final long limit;
    private final long declaredLength;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    Bounded(long limit, long declaredLength) {
      this.limit = limit;
      this.declaredLength = declaredLength;
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (cancelled) {
        subscription.cancel();
      } else if (declaredLength > limit) {
        tooLarge();
      } else {
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > limit) {
          tooLarge();
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toString(StandardCharsets.UTF_8));
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
    }

    private void tooLarge() {
      cancel();
      result.completeExceptionally(new ReplyTooLarge(limit));
    }
  }
}
