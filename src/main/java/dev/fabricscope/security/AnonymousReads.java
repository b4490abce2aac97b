package dev.fabricscope.security;

import dev.fabricscope.config.FabricscopeConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where anonymous reads ({@code fabricscope.auth.anonymous-read=true}) are answered: only to
 * requests whose {@code Host} (HTTP/2: authority) is {@code localhost}, an IP address, or a name
 * listed in {@code fabricscope.http.allowed-hosts}; any other is a 421 problem. A page on another
 * site whose owner rebinds its name to this server's address (DNS rebinding) makes its visitor's
 * browser send same-origin requests here, under that site's name and without credentials: they had
 * read the whole inventory (eighteenth security review, finding 4). Rebinding needs a DNS name, so
 * IP addresses stay answered (the bind address, a LAN address); {@code localhost} never leaves the
 * machine. Requests with credentials (a bearer token, a sign-on session) are not judged here: a
 * rebinding page has none, since the browser keeps the real site's cookies to the real name.
 */
@ApplicationScoped
public class AnonymousReads {

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]*:[0-9a-f:.]*\\]");

  @Inject FabricscopeConfig config;

  private Set<String> allowed;

  @PostConstruct
  void init() {
    allowed = listed(config.http().allowedHosts().orElse(List.of()));
  }

  void onStart(@Observes StartupEvent e) {
    if (config.auth().anonymousRead()) {
      Log.warnf(
          "Anonymous reads are ON (fabricscope.auth.anonymous-read=true): anyone who can reach"
              + " this server may read every report, under localhost, an IP address or %s"
              + " (fabricscope.http.allowed-hosts); writes still need a token",
          allowed.isEmpty() ? "no other name" : String.join(", ", allowed));
    } else {
      Log.info(
          "Anonymous reads are OFF: every API call and page needs a bearer token"
              + " (set fabricscope.auth.anonymous-read=true for a single-user local start)");
    }
  }

  /** The names of {@code fabricscope.http.allowed-hosts}, as {@link #hostOf} writes them. */
  static Set<String> listed(List<String> names) {
    Set<String> out = new TreeSet<>();
    for (String n : names) {
      String host = hostOf(n);
      if (host != null) {
        out.add(host);
      } else if (!n.isBlank()) {
        Log.warnf("fabricscope.http.allowed-hosts: '%.100s' is no host name; left out", n);
      }
    }
    return out;
  }

  /**
   * The anonymous reader, for a request without credentials.
   *
   * @throws ApiException a 421 when its Host is not one anonymous reads are answered under
   */
  public Caller reader(HttpServerRequest request) {
    ApiException refusal = refusal(request);
    if (refusal != null) {
      throw refusal;
    }
    return Caller.ANONYMOUS_READER;
  }

  /** The 421 for an anonymous request under a name not answered, or null when it is answered. */
  public ApiException refusal(HttpServerRequest request) {
    String authority = request.getHeader("Host");
    if (authority == null && request.authority() != null) {
      authority = request.authority().toString();
    }
    if (answered(authority, allowed)) {
      return null;
    }
    return new ApiException(
        421,
        "Misdirected Request",
        "anonymous reads are answered under localhost, an IP address or a name listed in"
            + " fabricscope.http.allowed-hosts only, and this request names "
            + (authority == null ? "no host" : "another")
            + ": send a token, or list the name there");
  }

  /** The rule: whether anonymous reads are answered under {@code authority} (host[:port]). */
  static boolean answered(String authority, Set<String> allowed) {
    String host = hostOf(authority);
    return host != null
        && (host.equals("localhost")
            || IPV4.matcher(host).matches()
            || ipv6(host)
            || allowed.contains(host));
  }

  private static boolean ipv6(String host) {
    if (!IPV6.matcher(host).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(host); // a bracketed literal is parsed, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The host of an authority: lower case, without its port or a final dot (an IPv6 literal in its
   * brackets); null when it is none (empty, a port that is no number, stray characters).
   */
  static String hostOf(String authority) {
    if (authority == null) {
      return null;
    }
    String a = authority.trim().toLowerCase(Locale.ROOT);
    int end =
        a.startsWith("[") ? a.indexOf(']') + 1 : a.indexOf(':') < 0 ? a.length() : a.indexOf(':');
    if (end <= 0) {
      return null;
    }
    String host = a.substring(0, end);
    String port = a.substring(end);
    if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) {
      return null;
    }
    if (!host.startsWith("[")) {
      host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
      if (!host.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) {
        return null;
      }
    }
    return host;
  }
}
