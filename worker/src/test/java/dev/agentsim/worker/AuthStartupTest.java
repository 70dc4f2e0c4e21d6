package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How the application starts as to authentication: open and on loopback only on embedded defaults;
 * locked once required, with an admin key created and logged on a database that never had one.
 */
@Timeout(240)
@ExtendWith(OutputCaptureExtension.class)
class AuthStartupTest {

  private static final Pattern CREATED_KEY =
      Pattern.compile("created the admin key '(ask_[A-Za-z0-9_-]{43})'");

  @Test
  void embeddedDefaultsNeedNoCredentialAndListenOnLoopbackOnly(CapturedOutput output)
      throws IOException {
    try (ConfigurableApplicationContext app = start()) {
      int port = port(app);
      assertThat(new Http(port).get("/v1/agents?projectId=open").status()).isEqualTo(200);
      Connector connector =
          ((TomcatWebServer) ((WebServerApplicationContext) app).getWebServer())
              .getTomcat()
              .getConnector();
      assertThat(connector.getProperty("address")).isEqualTo(InetAddress.getByName("127.0.0.1"));
      Optional<InetAddress> external = externalAddress();
      if (external.isPresent()) {
        try (Socket socket = new Socket()) {
          org.assertj.core.api.Assertions.assertThatThrownBy(
                  () -> socket.connect(new InetSocketAddress(external.get(), port), 2_000))
              .isInstanceOf(ConnectException.class);
        }
      }
      assertThat(lines(output, "Authentication is off"))
          .singleElement()
          .asString()
          .contains("listening on 127.0.0.1:" + port);
      assertThat(output.getAll()).doesNotContain("created the admin key");
    }
  }

  @Test
  void theFirstAdminKeyIsCreatedAndLoggedOnceOnAFreshDatabase(
      CapturedOutput output, @TempDir Path data) {
    String key;
    try (ConfigurableApplicationContext app =
        start(
            "--simulator.auth.required=true",
            "--simulator.embedded-postgres.data-directory=" + data)) {
      List<String> created = lines(output, "created the admin key");
      assertThat(created).hasSize(1);
      Matcher matcher = CREATED_KEY.matcher(created.get(0));
      assertThat(matcher.find()).as(created.get(0)).isTrue();
      key = matcher.group(1);
      int port = port(app);
      assertThat(new Http(port).get("/v1/api-keys").status()).isEqualTo(401);
      assertThat(new Http(port, Map.of("X-API-Key", key)).get("/v1/api-keys").status())
          .isEqualTo(200);
      assertThat(lines(output, "Authentication is on"))
          .singleElement()
          .asString()
          .contains("all interfaces");
    }
    int before = output.getAll().length();
    try (ConfigurableApplicationContext app =
        start(
            "--simulator.auth.required=true",
            "--simulator.embedded-postgres.data-directory=" + data)) {
      assertThat(output.getAll().substring(before))
          .contains("Authentication is on")
          .doesNotContain("created the admin key");
      assertThat(new Http(port(app), Map.of("X-API-Key", key)).get("/v1/api-keys").status())
          .isEqualTo(200);
    }
  }

  @Test
  void aConfiguredAdminKeyIsUsedAndNoneIsCreated(CapturedOutput output) {
    String adminKey = "configured-admin-key-0123456789";
    try (ConfigurableApplicationContext app =
        start("--simulator.auth.required=true", "--simulator.auth.admin-key=" + adminKey)) {
      int port = port(app);
      assertThat(
              new Http(port, Map.of("X-API-Key", adminKey))
                  .get("/v1/agents?projectId=any")
                  .status())
          .isEqualTo(200);
      assertThat(
              new Http(port, Map.of("Authorization", "Bearer " + adminKey))
                  .get("/v1/api-keys")
                  .status())
          .isEqualTo(200);
      assertThat(output.getAll()).doesNotContain("created the admin key");
    }
  }

  private static ConfigurableApplicationContext start(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--server.port=0";
    all[1] = "--simulator.demo.enabled=false";
    System.arraycopy(args, 0, all, 2, args.length);
    return new SpringApplicationBuilder(AgentSimApplication.class).run(all);
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  private static List<String> lines(CapturedOutput output, String text) {
    return output.getAll().lines().filter(line -> line.contains(text)).toList();
  }

  /** An address of this machine other than loopback, if it has one. */
  private static Optional<InetAddress> externalAddress() throws IOException {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (network.isUp() && !network.isLoopback()) {
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return Optional.of(address);
          }
        }
      }
    }
    return Optional.empty();
  }
}
