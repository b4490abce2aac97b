package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;

/**
 * A program or library that moves data for bandwidth tests: our C library, the CUDA driver API,
 * perftest, iperf3, nvbandwidth. Each is detected once and is absent without harm; it runs only
 * checked {@link BandwidthSpec}s, so its arguments come from validated fields alone.
 */
public interface BandwidthHelper {

  /** Short name, as reported in capabilities ({@code membw}, {@code cuda}, {@code perftest}). */
  String name();

  /** Whether and how the helper can run here; never throws. */
  HelperCapability detect();

  /** Whether this helper measures the kind. */
  boolean handles(BandwidthKind kind);

  /**
   * Runs a one-host test, or the source side of a two-sided one against a listening peer.
   *
   * @param peer the target side's listener (two-sided kinds), null for one-host kinds
   * @param cancel checked while running; the helper stops (and kills its process) when it is set
   * @throws HelperException a one-line reason the test could not run or its output not be read
   */
  Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) throws HelperException;

  /**
   * Starts the target side of a two-sided test (perftest or iperf3 server) and returns once it
   * listens; the listener ends when the test is done, on cancel, or at its deadline.
   */
  default Listener listen(BandwidthSpec spec, Cancellation cancel) throws HelperException {
    throw new HelperException(name() + " has no listening side for " + spec.kind().json());
  }

  /**
   * Runs, without starting a process, the code this helper's first test runs around its tool's
   * start (argument building, the readiness check on a loopback socket of the agent's own that
   * nothing connects to): a freshly started agent otherwise interprets and compiles it inside the
   * first test, whose time the operator compares with the tool run by hand (issue 10, acceptance
   * 7). Leaves nothing behind.
   */
  default void rehearse() {}
}
