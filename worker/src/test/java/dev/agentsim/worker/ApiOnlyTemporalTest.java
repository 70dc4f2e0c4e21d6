package dev.agentsim.worker;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An api process that comes first to a fresh Temporal server registers the search attributes its
 * batches carry: without them a real cluster refuses every batch, and the test server takes it and
 * leaves it stuck.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class ApiOnlyTemporalTest {

  @Test
  void anApiProcessRegistersTheSearchAttributesOfAFreshServer(CapturedOutput output)
      throws IOException {
    int temporalPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      temporalPort = socket.getLocalPort();
    }
    try (TestServer.PortBoundTestServer temporal =
            TestServer.createPortBoundServer(temporalPort, true);
        ConfigurableApplicationContext api =
            new SpringApplicationBuilder(AgentSimApplication.class)
                .run(
                    "--simulator.roles=api",
                    "--server.port=0",
                    "--simulator.demo.enabled=false",
                    "--spring.temporal.connection.target=127.0.0.1:" + temporalPort)) {
      SearchAttributesCheck.assertRegistered("127.0.0.1:" + temporalPort, output::getAll);
    }
  }
}
