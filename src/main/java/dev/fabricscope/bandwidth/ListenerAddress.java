package dev.fabricscope.bandwidth;

import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import java.util.List;
import java.util.Map;

/**
 * Where a listen side may say it listens. The run side's agent connects wherever the listener says,
 * so an agent that lied (a compromised host) could point another host's iperf3 or perftest client
 * at any address, its own loopback services included. The server holds the claim to the rule of
 * {@link ListenerAddressRule} (core; the agent holds the server to the same one): the test's own
 * target address when the test names one ({@code addr:…}), never an address that stays on one host
 * or goes to many when the two sides are different hosts, and an ephemeral port. The agent's report
 * lists no IP addresses, so a listener on a named device ({@code rdma:…}) is held to the last two
 * only. A listener's GID is held to the GIDs the target host's report lists for the port.
 */
final class ListenerAddress {

  private ListenerAddress() {}

  /**
   * Refuses {@code l}'s GID for {@code j} with a 422 problem unless the target host's latest report
   * lists it for the test's port ({@link ListenerGidRule}; {@code portGids} of that report, null
   * when none or not needed).
   */
  static void checkGid(Job j, Listener l, Map<String, List<String>> portGids) {
    ListenerGidRule.problem(l.gid(), j.spec().target(), portGids)
        .ifPresent(
            why -> {
              throw JsonFields.unprocessable(why + " (host " + j.targetHost() + ")");
            });
  }

  /** Refuses {@code l} for {@code j} with a 422 problem, naming why. */
  static void check(Job j, Listener l) {
    boolean twoHosts = !j.sourceHost().equals(j.targetHost());
    ListenerAddressRule.problem(l.address(), l.port(), j.spec().target(), twoHosts)
        .ifPresent(
            why -> {
              throw JsonFields.unprocessable(
                  twoHosts ? why + " (" + j.sourceHost() + " to " + j.targetHost() + ")" : why);
            });
  }
}
