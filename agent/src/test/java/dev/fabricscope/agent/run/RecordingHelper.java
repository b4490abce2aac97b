package dev.fabricscope.agent.run;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Listener;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A helper that starts no process and records every call: what a hostile assignment would have made
 * run shows up here. Runs return at once, or, when {@link #blockUntilCancelled}, only once the
 * cancellation fires.
 */
final class RecordingHelper implements BandwidthHelper {

  /** One call: run or listen, the spec and the peer. */
  record Call(String what, BandwidthSpec spec, Peer peer) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final AtomicBoolean listenerClosed = new AtomicBoolean();
  volatile boolean blockUntilCancelled;
  volatile boolean sawCancel;

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public HelperCapability detect() {
    return new HelperCapability(
        "recording", true, "1.0", List.of("numa:0", "numa:1"), "in the test");
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind == BandwidthKind.HOST_MEMCPY || kind == BandwidthKind.TCP;
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    calls.add(new Call("run", spec, peer));
    while (blockUntilCancelled && !cancel.stop()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sawCancel = cancel.cancelled();
    if (spec.repetitions() == 7) {
      throw new HelperException("membw: node 1 has no memory");
    }
    return new Measurement(List.of(10.0, 11.0, 12.0), "recording 1.0", "raw output");
  }

  @Override
  public Listener listen(BandwidthSpec spec, Cancellation cancel) {
    calls.add(new Call("listen", spec, null));
    return new Listener() {
      @Override
      public Peer peer() {
        // a test to an address listens there; one between RDMA ports, at the rig's address
        String at =
            spec.target().type() == Endpoint.Type.ADDRESS ? spec.target().name() : "10.0.0.2";
        return new Peer(at, 5201, null, null);
      }

      @Override
      public Measurement await(long millis) {
        try {
          Thread.sleep(Math.min(millis, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }

      @Override
      public void close() {
        listenerClosed.set(true);
      }
    };
  }
}
