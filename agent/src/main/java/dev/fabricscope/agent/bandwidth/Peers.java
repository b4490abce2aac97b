package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.Endpoint;

/** Checks a {@link Peer} before its fields reach a command line: it came over the network. */
final class Peers {

  private Peers() {}

  /**
   * The peer with its address checked as an IP literal ({@link Endpoint}) and its port in range;
   * GID fields are dropped (the source side uses its own port's GID).
   *
   * @param kind the test kind, for the message
   */
  static Peer checked(Peer peer, String kind) throws HelperException {
    if (peer == null) {
      throw new HelperException(kind + ": no listening peer to connect to");
    }
    try {
      Endpoint a = Endpoint.parse("addr:" + peer.address());
      if (peer.port() < 1 || peer.port() > 65535) {
        throw new IllegalArgumentException("port " + peer.port() + " outside 1-65535");
      }
      return new Peer(a.name(), peer.port(), null, null);
    } catch (IllegalArgumentException e) {
      throw new HelperException(kind + ": bad peer: " + e.getMessage());
    }
  }
}
