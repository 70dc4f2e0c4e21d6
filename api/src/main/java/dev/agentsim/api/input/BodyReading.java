package dev.agentsim.api.input;

import dev.agentsim.api.error.Dialect;
import dev.agentsim.api.error.ErrorWriter;
import dev.agentsim.api.error.TraceIds;
import dev.agentsim.store.settings.SimulatorSettings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a request's body before anything else does, without holding a thread while it arrives: at
 * most {@code simulator.api.max-body-bytes} (413 beyond), all of it within {@code
 * simulator.api.body-read-timeout} (408 after, and the connection closed). The body is read by
 * Servlet non-blocking I/O; once it is all there the request goes on in an async dispatch, with the
 * body served from memory. A client trickling its body a byte at a time so holds a connection, for
 * a bounded time, and no thread.
 *
 * <p>After the filters that check credentials (Spring Security's come at -100): a request without
 * one is refused before its body is read.
 */
@Component
@Order(BodyReading.ORDER)
public class BodyReading extends OncePerRequestFilter {

  static final int ORDER = 0;
  private static final String BODY = BodyReading.class.getName() + ".body";
  private static final Logger log = LoggerFactory.getLogger(BodyReading.class);

  private final long maxBytes;
  private final Duration timeout;
  private final ErrorWriter writer;

  public BodyReading(SimulatorSettings settings, ErrorWriter writer) {
    this.maxBytes = settings.api().maxBodyBytes().toBytes();
    this.timeout = settings.api().bodyReadTimeout();
    this.writer = writer;
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      byte[] body = (byte[]) request.getAttribute(BODY);
      chain.doFilter(body == null ? request : new BufferedRequest(request, body), response);
      return;
    }
    long length = request.getContentLengthLong();
    if (length > maxBytes) {
      // Not read at all: the connection closes after the answer.
      response.setHeader(HttpHeaders.CONNECTION, "close");
      writer.write(response, tooLarge(request));
      return;
    }
    if (length <= 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
      chain.doFilter(request, response);
      return;
    }
    AsyncContext async = request.startAsync(request, response);
    async.setTimeout(timeout.toMillis());
    Reader reader = new Reader(async, request, response);
    async.addListener(reader);
    request.getInputStream().setReadListener(reader);
  }

  private ResponseEntity<Object> tooLarge(HttpServletRequest request) {
    return Dialect.of(request.getRequestURI())
        .error(
            HttpStatus.CONTENT_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "The request body is larger than " + maxBytes + " bytes",
            TraceIds.of(request));
  }

  /**
   * Collects the body as it arrives; answers the request itself when the body is too large or too
   * slow.
   */
  private final class Reader implements ReadListener, AsyncListener {

    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[8192];
    private boolean done;

    Reader(AsyncContext async, HttpServletRequest request, HttpServletResponse response) {
      this.async = async;
      this.request = request;
      this.response = response;
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
      ServletInputStream in = request.getInputStream();
      while (!done && in.isReady()) {
        int read = in.read(buffer);
        if (read < 0) {
          return;
        }
        body.write(buffer, 0, read);
        if (body.size() > maxBytes) {
          refuse(tooLarge(request));
        }
      }
    }

    @Override
    public synchronized void onAllDataRead() {
      if (!done) {
        done = true;
        request.setAttribute(BODY, body.toByteArray());
        async.dispatch();
      }
    }

    /** The connection broke while the body came in: nobody is left to answer. */
    @Override
    public synchronized void onError(Throwable t) {
      if (!done) {
        done = true;
        async.complete();
      }
    }

    @Override
    public synchronized void onTimeout(AsyncEvent event) throws IOException {
      if (!done) {
        refuse(
            Dialect.of(request.getRequestURI())
                .error(
                    HttpStatus.REQUEST_TIMEOUT,
                    "REQUEST_TIMEOUT",
                    "The request body did not arrive within " + timeout.toSeconds() + " s",
                    TraceIds.of(request)));
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {}

    private void refuse(ResponseEntity<Object> error) throws IOException {
      done = true;
      String traceId = TraceIds.of(request);
      MDC.put(TraceIds.MDC_KEY, traceId);
      try {
        log.info(
            "{} {} answered {}: {} bytes of the body read, trace id {}",
            request.getMethod(),
            request.getRequestURI(),
            error.getStatusCode().value(),
            body.size(),
            traceId);
        response.setHeader(HttpHeaders.CONNECTION, "close");
        writer.write(response, error);
      } finally {
        MDC.remove(TraceIds.MDC_KEY);
        async.complete();
      }
    }
  }
}
