package dev.fabricscope.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code fabricscope.http.*}: which names the server answers anonymous reads under. With {@code
 * fabricscope.auth.anonymous-read=true} a request without credentials is answered only when its
 * {@code Host} is a loopback name, an IP address, or one of {@link #allowedHosts}: a page on
 * another site whose name its owner rebinds to this server's address (DNS rebinding) sends its own
 * name, and had read the whole inventory (eighteenth security review, finding 4).
 */
public interface HttpConfig {

  /**
   * Host names (without port, any case) under which anonymous reads are answered besides {@code
   * localhost} and IP addresses: the name a proxy or a bookmark reaches the server by. Empty: none.
   */
  Optional<List<String>> allowedHosts();
}
