package dev.fabricscope.config;

import java.net.URI;
import java.util.Set;

/**
 * Which API server URLs the token review may use: https (the agents' tokens and the server's own
 * travel in the request), or plain http only to loopback, where nothing is on the wire (a local
 * proxy such as {@code kubectl proxy}, tests).
 */
final class KubernetesApiUrl {

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  private KubernetesApiUrl() {}

  static boolean acceptable(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (u.getHost() == null || u.getUserInfo() != null) {
      return false;
    }
    return "https".equals(u.getScheme())
        || ("http".equals(u.getScheme()) && LOOPBACK.contains(u.getHost()));
  }
}
