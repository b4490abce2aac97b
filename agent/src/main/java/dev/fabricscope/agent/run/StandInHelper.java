package dev.fabricscope.agent.run;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.Listener;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.List;

/**
 * The helper of {@link JobRehearsal}'s job sides: answers at once with a fixed measurement and a
 * listener that has already ended, so the rehearsal walks {@link JobSide}'s whole path (events,
 * progress timer, result) without a process, a socket or a byte sent. Never registered: no real job
 * can reach it.
 */
final class StandInHelper implements BandwidthHelper {

  private static final Measurement DONE = new Measurement(List.of(1.0), "rehearsal", "rehearsal");

  @Override
  public String name() {
    return "rehearsal";
  }

  @Override
  public HelperCapability detect() {
    throw new UnsupportedOperationException("a stand-in is never detected or reported");
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return false;
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) {
    return DONE;
  }

  @Override
  public Listener listen(BandwidthSpec spec, Cancellation cancel) {
    return new Listener() {
      @Override
      public Peer peer() {
        return new Peer("192.0.2.2", 5201, null, null);
      }

      @Override
      public Measurement await(long millis) {
        return DONE;
      }

      @Override
      public void close() {}
    };
  }
}
