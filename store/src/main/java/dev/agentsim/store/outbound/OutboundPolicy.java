package dev.agentsim.store.outbound;

import dev.agentsim.store.settings.SimulatorSettings;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which addresses the service may call: agents, counter agents and models are URLs a user gives,
 * and the service calls them from inside its network. Refused unless {@code
 * simulator.outbound.allow} (CIDRs and host names, comma-separated) allows them: the unspecified
 * address ({@code 0.0.0.0}, {@code ::}), loopback, link-local (where the cloud metadata services
 * live), private and shared ranges, multicast and reserved ones, the cloud metadata services'
 * names, and every address of this host itself (the service's own port, its database beside it).
 *
 * <p>A URL is checked when it is saved ({@link #checkSaved}) and again right before each connection
 * ({@link #checkConnection}), against every address its host resolves to. An allowed host name is
 * trusted whatever it resolves to; an allowed CIDR lifts every refusal for the addresses in it.
 */
@Component
public class OutboundPolicy {

  /** Names of cloud metadata services, refused whatever they resolve to. */
  private static final Set<String> METADATA_NAMES =
      Set.of(
          "metadata.google.internal",
          "metadata.goog",
          "metadata",
          "instance-data",
          "instance-data.ec2.internal");

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private static final List<Range> REFUSED =
      List.of(
          Range.of("0.0.0.0/8", "an unspecified address"),
          Range.of("127.0.0.0/8", "a loopback address"),
          Range.of("169.254.0.0/16", "a link-local address (cloud metadata services live there)"),
          Range.of("10.0.0.0/8", "a private address"),
          Range.of("172.16.0.0/12", "a private address"),
          Range.of("192.168.0.0/16", "a private address"),
          Range.of("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
          Range.of("192.0.0.0/24", "a reserved address (a cloud metadata service lives there)"),
          Range.of("224.0.0.0/4", "a multicast address"),
          Range.of("240.0.0.0/4", "a reserved address"),
          Range.of("::/128", "an unspecified address"),
          Range.of("::1/128", "a loopback address"),
          Range.of("fe80::/10", "a link-local address"),
          Range.of(
              "fc00::/7",
              "a unique local (private) address (a cloud metadata service lives there)"),
          Range.of("fec0::/10", "a site-local (private) address"),
          Range.of("ff00::/8", "a multicast address"));

  private final List<Range> allowedRanges = new ArrayList<>();
  private final Set<String> allowedNames = new HashSet<>();

  @Autowired
  public OutboundPolicy(SimulatorSettings settings) {
    this(settings.outbound().allow());
  }

  /**
   * @param allow {@code simulator.outbound.allow}: CIDRs ({@code 10.1.0.0/16}, {@code fd00::/8}),
   *     single addresses and host names; empty allows nothing beyond public addresses
   */
  OutboundPolicy(List<String> allow) {
    for (String entry : allow) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.contains("/")
          || trimmed.contains(":")
          || IPV4_LITERAL.matcher(trimmed).matches()) {
        String cidr =
            trimmed.contains("/") ? trimmed : trimmed + (trimmed.contains(":") ? "/128" : "/32");
        allowedRanges.add(Range.parse(cidr, "allowed", "simulator.outbound.allow"));
      } else {
        allowedNames.add(name(trimmed));
      }
    }
  }

  /** The policy when {@code simulator.outbound.allow} is the given list. */
  public static OutboundPolicy allowing(String... allow) {
    return new OutboundPolicy(Arrays.asList(allow));
  }

  /**
   * Checks a URL being saved: an absolute http(s) URL naming a host, without user info (secrets
   * belong in headers), whose host is not refused. A host that does not resolve yet is accepted: it
   * is checked again at every connection.
   *
   * @throws IllegalArgumentException saying what is wrong with the URL itself
   * @throws Refused saying why its host may not be called
   */
  public void checkSaved(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("must be an http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "must not hold a user name or password: send credentials in headers");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("must name a host");
    }
    try {
      checkConnection(uri);
    } catch (UnknownHostException e) {
      // Not resolvable now, perhaps later: each connection is checked against what it resolves to
      // then.
    }
  }

  /**
   * Checks the host a connection is about to be made to, against every address it resolves to.
   *
   * <p>Why this closes the DNS-rebinding gap on Java 17, where the JDK HTTP client cannot be told
   * which address to connect to: the client resolves the host with {@link InetAddress} too, whose
   * cache keeps a successful look-up for {@code networkaddress.cache.ttl} (30 s by default), so the
   * connection made right after this check gets the very addresses checked here, even from a name
   * server that answers differently each time. Every address of the answer is checked, so whichever
   * the client picks is one of them. Leaving that cache at its default (or longer) is what this
   * relies on; a TTL of 0 would reopen the gap.
   *
   * @throws Refused when the host or one of its addresses is refused
   * @throws UnknownHostException when the host does not resolve (the connection would fail too)
   */
  public void checkConnection(URI uri) throws UnknownHostException {
    String host = uri.getHost();
    if (host == null) {
      throw new Refused("names no host");
    }
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    String name = name(literal);
    if (allowedNames.contains(name)) {
      return;
    }
    if (METADATA_NAMES.contains(name)) {
      throw new Refused("names " + name + ", a cloud metadata service");
    }
    for (InetAddress address : InetAddress.getAllByName(literal)) {
      String why = refusal(address);
      if (why != null) {
        throw new Refused(
            literal.contains(":") || IPV4_LITERAL.matcher(literal).matches()
                ? "points at " + literal + ", " + why
                : "names "
                    + literal
                    + ", which resolves to "
                    + address.getHostAddress()
                    + ", "
                    + why);
      }
    }
  }

  /**
   * Whether {@code simulator.outbound.allow} itself covers the URL's host: a listed host name, or a
   * host whose every address lies in a listed range. False for a host that does not resolve.
   */
  public boolean listed(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (allowedNames.contains(name(literal))) {
      return true;
    }
    try {
      return Arrays.stream(InetAddress.getAllByName(literal))
          .allMatch(address -> allowedRanges.stream().anyMatch(range -> range.contains(address)));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Why the address is refused, or null when it may be called. */
  private String refusal(InetAddress address) {
    for (Range allowed : allowedRanges) {
      if (allowed.contains(address)) {
        return null;
      }
    }
    for (Range range : REFUSED) {
      if (range.contains(address)) {
        return range.why();
      }
    }
    InetAddress carried = embeddedIpv4(address);
    if (carried != null) {
      for (Range range : REFUSED) {
        if (range.contains(carried)) {
          return range.why();
        }
      }
    }
    try {
      if (NetworkInterface.getByInetAddress(address) != null) {
        return "an address of this host (the service itself and what runs beside it)";
      }
    } catch (SocketException e) {
      // The interfaces could not be listed: the ranges above decided.
    }
    return null;
  }

  /**
   * The IPv4 address an IPv6 one carries and would reach: IPv4-compatible {@code ::a.b.c.d}, NAT64
   * {@code 64:ff9b::a.b.c.d} and 6to4 {@code 2002:aabb:ccdd::}. IPv4-mapped addresses already come
   * as IPv4 from {@link InetAddress}.
   */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    byte[] v4 = null;
    if (allZero(b, 0, 12)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (b[0] == 0
        && b[1] == 0x64
        && b[2] == (byte) 0xff
        && b[3] == (byte) 0x9b
        && allZero(b, 4, 12)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (b[0] == 0x20 && b[1] == 0x02) {
      v4 = Arrays.copyOfRange(b, 2, 6);
    }
    if (v4 == null) {
      return null;
    }
    try {
      return Inet4Address.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** A host name as compared: lower case, without the root's trailing dot. */
  private static String name(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** A URL the service may not call: the message says why, to follow the field's name. */
  public static class Refused extends RuntimeException {

    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** A CIDR block, and why its addresses are refused. */
  private record Range(byte[] network, int prefix, String why) {

    static Range of(String cidr, String why) {
      return parse(cidr, why, "range");
    }

    static Range parse(String cidr, String why, String source) {
      int slash = cidr.indexOf('/');
      String address = cidr.substring(0, slash);
      if (!address.contains(":") && !IPV4_LITERAL.matcher(address).matches()) {
        throw new IllegalArgumentException(source + ": '" + cidr + "' is not a CIDR");
      }
      byte[] network;
      int prefix;
      try {
        network = InetAddress.getByName(address).getAddress();
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException(source + ": '" + cidr + "' is not a CIDR", e);
      }
      if (prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException(source + ": '" + cidr + "' has a prefix out of range");
      }
      return new Range(network, prefix, why);
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (bytes[full] & mask) == (network[full] & mask);
    }
  }
}
