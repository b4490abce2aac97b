package dev.fabricscope.agent.bandwidth.host;

import com.sun.jna.Memory;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import java.util.ArrayList;
import java.util.List;

/**
 * What every measurement through our native library shares (host copies, concurrent copies, NVMe
 * reads): loading the library, refusing to start a job that is already over, the stop flag the C
 * side polls between passes, and what its return code means (-2 stopped, other negatives a one-line
 * message in the error buffer).
 */
public final class NativeRun {

  private NativeRun() {}

  /** One call into the library, given the stop flag and the error buffer it writes. */
  @FunctionalInterface
  public interface Call {
    /** The library's return code. */
    int run(FabricscopeNative.Lib lib, Memory stop, byte[] err);
  }

  /** Per-flow samples (GB/s per pass) and their sum per pass. */
  public record FlowSamples(List<List<Double>> perFlow, double[] sums) {}

  /**
   * The loaded library, once the job is known not to be over.
   *
   * @throws HelperException the library's one-line load failure, or why the job is over
   */
  public static FabricscopeNative.Lib start(Cancellation cancel) throws HelperException {
    FabricscopeNative.Lib lib;
    try {
      lib = FabricscopeNative.lib();
    } catch (IllegalStateException | LinkageError e) {
      throw new HelperException(FabricscopeNative.oneLine(e.getMessage()));
    }
    if (cancel.stop()) {
      throw new HelperException(cancel.cancelled() ? "cancelled" : "deadline passed before start");
    }
    return lib;
  }

  /**
   * Runs {@code call} with a stop flag that is set when the job is cancelled or its deadline
   * passes.
   *
   * @param what the kind, naming the library's error ("nvme-read: …")
   * @throws HelperException stopped, or the library's error
   */
  public static void run(FabricscopeNative.Lib lib, Cancellation cancel, String what, Call call)
      throws HelperException {
    byte[] err = new byte[FabricscopeNative.ERR_LEN];
    Memory stop = new Memory(4);
    stop.setInt(0, 0);
    int rc;
    try (StopWatcher w = new StopWatcher(cancel, () -> stop.setInt(0, 1))) {
      rc = call.run(lib, stop, err);
    }
    if (rc == -2) {
      throw new HelperException(cancel.cancelled() ? "cancelled" : "deadline passed");
    }
    if (rc < 0) {
      throw new HelperException(what + ": " + FabricscopeNative.message(err));
    }
  }

  /** Splits the library's flat array (flow by flow, pass by pass) into samples per flow. */
  public static FlowSamples flows(double[] gbps, int flows, int reps) {
    List<List<Double>> perFlow = new ArrayList<>(flows);
    double[] sums = new double[reps];
    for (int i = 0; i < flows; i++) {
      List<Double> xs = new ArrayList<>(reps);
      for (int r = 0; r < reps; r++) {
        xs.add(gbps[i * reps + r]);
        sums[r] += gbps[i * reps + r];
      }
      perFlow.add(xs);
    }
    return new FlowSamples(perFlow, sums);
  }
}
