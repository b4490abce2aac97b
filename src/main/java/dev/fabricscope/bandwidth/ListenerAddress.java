package dev.fabricscope.bandwidth;

import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a listen side may say it listens. The run side's agent connects wherever the listener says,
 * so an agent that lied (a compromised host) could point another host's iperf3 or perftest client
 * at any address, its own loopback services included. The server holds the claim to what the test
 * asked for: the target's own address when the test names one ({@code addr:…}), and never a
 * loopback, unspecified, multicast or broadcast address when the two sides are different hosts (no
 * such address reaches one host from another). The agent's report lists no IP addresses, so a
 * listener on a named device ({@code rdma:…}) is held to the second rule only.
 */
final class ListenerAddress {

  private ListenerAddress() {}

  /** Refuses {@code l} for {@code j} with a 422 problem, naming why. */
  static void check(Job j, Listener l) {
    InetAddress a = literal(l.address());
    Endpoint target = j.spec().target();
    if (target != null && target.type() == Endpoint.Type.ADDRESS) {
      if (!a.equals(literal(target.name()))) {
        throw JsonFields.unprocessable(
            "address: the test's target is "
                + target.name()
                + ", so its listener listens there, not on "
                + l.address());
      }
      return;
    }
    boolean twoHosts = !j.sourceHost().equals(j.targetHost());
    if (twoHosts
        && (a.isLoopbackAddress()
            || a.isAnyLocalAddress()
            || a.isMulticastAddress()
            || l.address().equals("255.255.255.255"))) {
      throw JsonFields.unprocessable(
          "address: "
              + l.address()
              + " does not reach "
              + j.targetHost()
              + " from "
              + j.sourceHost());
    }
  }

  /** An IP literal, checked already ({@link AgentEvent}): no name is ever looked up. */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw JsonFields.unprocessable("address: an IPv4 or IPv6 literal");
    }
  }
}
