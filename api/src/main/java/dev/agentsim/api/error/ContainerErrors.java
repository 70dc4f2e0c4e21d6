package dev.agentsim.api.error;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Host;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses itself, before any filter or servlet sees the request (a malformed
 * %-encoding, headers beyond their size), answered in the dialect of the path with a trace id,
 * instead of Tomcat's HTML error page.
 */
@Component
class ContainerErrors
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(ContainerErrors.class);

  private final ErrorWriter writer;

  ContainerErrors(ErrorWriter writer) {
    this.writer = writer;
  }

  /** After Spring Boot's own customizer, whose error report valve this one replaces. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          Host host = (Host) context.getParent();
          Pipeline pipeline = host.getPipeline();
          for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve) {
              pipeline.removeValve(valve);
            }
          }
          pipeline.addValve(new DialectErrorReport(writer));
          // The host adds an error report valve of this class when it starts, unless it has one.
          ((StandardHost) host).setErrorReportValveClass(DialectErrorReport.class.getName());
        });
  }

  static final class DialectErrorReport extends ErrorReportValve {

    private final ErrorWriter writer;

    DialectErrorReport(ErrorWriter writer) {
      this.writer = writer;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int code = response.getStatus();
      if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      AtomicBoolean ioAllowed = new AtomicBoolean(true);
      response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
      if (!ioAllowed.get()) {
        return;
      }
      HttpStatus status =
          HttpStatus.resolve(code) == null ? HttpStatus.BAD_REQUEST : HttpStatus.resolve(code);
      String traceId = TraceIds.of(request);
      String message =
          response.getMessage() == null || response.getMessage().isBlank()
              ? status.getReasonPhrase()
              : response.getMessage();
      MDC.put(TraceIds.MDC_KEY, traceId);
      try {
        if (status.is5xxServerError()) {
          log.error(
              "{} {} answered {} by the servlet container: {}, trace id {}",
              request.getMethod(),
              request.getRequestURI(),
              code,
              message,
              traceId,
              throwable);
        } else {
          log.info(
              "{} {} answered {} by the servlet container: {}, trace id {}",
              request.getMethod(),
              request.getRequestURI(),
              code,
              message,
              traceId);
        }
      } finally {
        MDC.remove(TraceIds.MDC_KEY);
      }
      ResponseEntity<Object> error =
          Dialect.of(request.getRequestURI()).error(status, Dialect.code(status), message, traceId);
      try {
        response.setHeader(TraceIds.HEADER, traceId);
        response.setContentType(String.valueOf(error.getHeaders().getContentType()));
        response.setCharacterEncoding("UTF-8");
        PrintWriter reporter = response.getReporter();
        if (reporter != null) {
          reporter.write(writer.text(error));
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // The client is gone or the connection takes no more: nothing left to answer.
      }
    }
  }
}
