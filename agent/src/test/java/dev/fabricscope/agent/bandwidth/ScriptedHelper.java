package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.function.Supplier;

/**
 * A helper for tests that handles every kind, reports itself absent (so nothing real is assumed)
 * and answers a run with what {@code run} gives, or throws what it throws.
 */
public final class ScriptedHelper implements BandwidthHelper {

  private final String name;
  private final Supplier<Measurement> run;

  public ScriptedHelper(String name, Supplier<Measurement> run) {
    this.name = name;
    this.run = run;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HelperCapability detect() {
    return HelperCapability.absent(name, "test");
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return true;
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) {
    return run.get();
  }
}
