package dev.agentsim.store.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the service refuses to call, and what {@code simulator.outbound.allow} lets through. Host
 * names resolve from src/test/resources/hosts (see the module's surefire configuration).
 */
class OutboundPolicyTest {

  private static final OutboundPolicy STRICT = OutboundPolicy.allowing();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://127.0.0.1:8080/v1/agents | points at 127.0.0.1, a loopback address",
        "http://127.7.7.7/ | points at 127.7.7.7, a loopback address",
        "http://localhost:5432/ | names localhost, which resolves to 127.0.0.1, a loopback address",
        "http://localtest/agent | names localtest, which resolves to 127.0.0.1, a loopback address",
        "http://[::1]:8080/ | points at ::1, a loopback address",
        "http://[::ffff:127.0.0.1]/ | a loopback address",
        "http://[::127.0.0.1]/ | a loopback address",
        "http://[64:ff9b::a9fe:a9fe]/ | a link-local address",
        "http://[2002:a00:1::]/ | a private address",
        "http://0.0.0.0:8080/ | points at 0.0.0.0, an unspecified address",
        "http://[::]/ | an unspecified address",
        "http://169.254.169.254/latest/meta-data/ | points at 169.254.169.254, a link-local address",
        "http://sneaky.localtest/ | names sneaky.localtest, which resolves to 169.254.169.254, a link-local address",
        "http://metadata.google.internal/computeMetadata/v1/ | names metadata.google.internal, a cloud metadata service",
        "http://METADATA.google.internal./ | names metadata.google.internal, a cloud metadata service",
        "http://[fd00:ec2::254]/ | a unique local (private) address",
        "http://[fe80::1]/ | a link-local address",
        "http://10.0.0.5/ | points at 10.0.0.5, a private address",
        "http://172.16.3.4/ | a private address",
        "http://172.31.255.255/ | a private address",
        "http://192.168.1.1/ | a private address",
        "http://internal.localtest/ | names internal.localtest, which resolves to 10.1.2.3, a private address",
        "http://100.100.100.200/ | a shared (carrier-grade NAT) address",
        "http://192.0.0.192/ | a reserved address",
        "http://224.0.0.1/ | a multicast address",
        "http://255.255.255.255/ | a reserved address",
      })
  void refusesWhatIsNotAPublicAddress(String url, String why) {
    assertThatThrownBy(() -> STRICT.checkSaved(url))
        .isInstanceOf(OutboundPolicy.Refused.class)
        .hasMessageContaining(why);
    assertThatThrownBy(() -> STRICT.checkConnection(URI.create(url)))
        .isInstanceOf(OutboundPolicy.Refused.class);
  }

  @Test
  void everyAddressANameResolvesToIsChecked() {
    assertThatThrownBy(() -> STRICT.checkConnection(URI.create("https://mixed.localtest/chat")))
        .isInstanceOf(OutboundPolicy.Refused.class)
        .hasMessage("names mixed.localtest, which resolves to 127.0.0.1, a loopback address");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://93.184.215.14/chat",
        "https://public.localtest/v1",
        "http://172.32.0.1/",
        "http://100.128.0.1/",
        "http://[2606:4700::1111]/"
      })
  void publicAddressesPass(String url) {
    assertThatCode(() -> STRICT.checkSaved(url)).doesNotThrowAnyException();
    assertThatCode(() -> STRICT.checkConnection(URI.create(url))).doesNotThrowAnyException();
  }

  @Test
  void aHostThatDoesNotResolveIsSavedAndCheckedWhenItIsCalled() {
    assertThatCode(() -> STRICT.checkSaved("https://bot.localtest/chat"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> STRICT.checkConnection(URI.create("https://bot.localtest/chat")))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void theAllowListLiftsRefusalsByRangeOrByName() throws Exception {
    OutboundPolicy loopback = OutboundPolicy.allowing("127.0.0.0/8", "::1/128");
    loopback.checkConnection(URI.create("http://localhost:8080/demo/agent"));
    loopback.checkConnection(URI.create("http://localtest/agent"));
    loopback.checkConnection(URI.create("http://[::1]:9/"));
    assertThatThrownBy(() -> loopback.checkConnection(URI.create("http://10.0.0.5/")))
        .isInstanceOf(OutboundPolicy.Refused.class);

    OutboundPolicy byName =
        OutboundPolicy.allowing(" internal.localtest ", "10.9.0.0/16", "192.168.7.7");
    byName.checkConnection(URI.create("http://internal.localtest/agent"));
    byName.checkConnection(URI.create("http://INTERNAL.localtest./agent"));
    byName.checkConnection(URI.create("http://10.9.200.1/"));
    byName.checkConnection(URI.create("http://192.168.7.7/"));
    assertThatThrownBy(() -> byName.checkConnection(URI.create("http://192.168.7.8/")))
        .isInstanceOf(OutboundPolicy.Refused.class);
    assertThatThrownBy(() -> byName.checkConnection(URI.create("http://localtest/")))
        .as("a name resolving to an address the list does not allow")
        .isInstanceOf(OutboundPolicy.Refused.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:secret@public.localtest/ | must not hold a user name or password: send credentials in headers",
        "http://token@public.localtest/ | must not hold a user name or password: send credentials in headers",
        "ftp://public.localtest/ | must be an http or https URL",
        "http:///chat | must name a host",
        "http://bad host/ | is not a valid URL: Illegal character in authority at index 7",
      })
  void malformedUrlsAreRefusedOnSave(String url, String message) {
    assertThatThrownBy(() -> STRICT.checkSaved(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void aHostIsListedWhenTheAllowListNamesItOrCoversEveryAddressOfIt() {
    OutboundPolicy embedded = OutboundPolicy.allowing("127.0.0.0/8", "::1/128", "hooks.internal");
    assertThat(embedded.listed(URI.create("http://127.0.0.1:9000/hook"))).isTrue();
    assertThat(embedded.listed(URI.create("http://localtest/hook"))).isTrue();
    assertThat(embedded.listed(URI.create("http://[::1]/hook"))).isTrue();
    assertThat(embedded.listed(URI.create("http://hooks.internal/hook"))).isTrue();
    assertThat(embedded.listed(URI.create("http://public.localtest/hook"))).isFalse();
    assertThat(embedded.listed(URI.create("http://mixed.localtest/hook"))).isFalse();
    assertThat(embedded.listed(URI.create("http://unresolvable.invalid/hook"))).isFalse();
    assertThat(STRICT.listed(URI.create("http://127.0.0.1/hook"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "not a cidr/8", "::1/129"})
  void aBadAllowListStopsTheServiceFromStarting(String entry) {
    assertThatThrownBy(() -> OutboundPolicy.allowing(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("simulator.outbound.allow");
  }
}
