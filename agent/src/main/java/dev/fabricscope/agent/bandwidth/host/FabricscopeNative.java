package dev.fabricscope.agent.bandwidth.host;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.fabricscope.text.TerminalText;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Our C library ({@code agent/src/main/c}, built by the agent's Maven build with gcc into the jar
 * as {@code <jna-platform>/libfabricscope-native.so}), bound with JNA. It is loaded from the jar
 * only, never from the library path, so no other library of that name can stand in for it. See
 * {@code fabricscope_native.h} for what each function does.
 */
public final class FabricscopeNative {

  /** The C functions; {@code size_t} is a Java long (64-bit Linux only, checked on load). */
  public interface Lib extends Library {
    int fsn_version();

    int fsn_bind_thread(int node, int[] cpus, int ncpus, byte[] err, int errlen);

    Pointer fsn_alloc_on_node(long bytes, int node, IntByReference bound, byte[] err, int errlen);

    void fsn_free(Pointer p, long bytes);

    int fsn_node_of(Pointer addr);

    int fsn_misplaced_pages(Pointer p, long bytes, int node);

    int fsn_copy(
        int srcNode,
        int dstNode,
        int[] cpus,
        int ncpus,
        long bytes,
        int threads,
        int reps,
        double[] secondsOut,
        LongByReference inner,
        IntByReference bound,
        Pointer stop,
        byte[] err,
        int errlen);

    int fsn_copy_flows(
        int nflows,
        int[] srcNodes,
        int[] dstNodes,
        int[] cpus,
        int[] ncpus,
        long bytes,
        long chunk,
        int reps,
        double[] gbpsOut,
        IntByReference bound,
        Pointer stop,
        byte[] err,
        int errlen);

    int fsn_read_flows(
        int nflows,
        String[] paths,
        int[] nodes,
        long bytes,
        long chunk,
        int reps,
        double[] gbpsOut,
        IntByReference bound,
        Pointer stop,
        byte[] err,
        int errlen);
  }

  /** The library name, as in the jar. */
  public static final String NAME = "fabricscope-native";

  /** Size of the error buffers handed to the C functions. */
  public static final int ERR_LEN = 256;

  /**
   * Bytes a copy's target buffer has beyond the copy ({@code FSN_COPY_DST_OFFSET} of {@code
   * fabricscope_native.h}: the target starts one cache line into its mapping).
   */
  public static final long COPY_DST_OFFSET = 64;

  private static Lib lib;
  private static String loadProblem;

  private FabricscopeNative() {}

  /**
   * The loaded library.
   *
   * @throws IllegalStateException with a one-line reason when it cannot be loaded here
   */
  public static synchronized Lib lib() {
    if (lib == null && loadProblem == null) {
      try {
        lib = load();
      } catch (IOException | LinkageError | IllegalStateException e) {
        loadProblem = NAME + " not loadable: " + oneLine(e.getMessage());
      }
    }
    if (lib == null) {
      throw new IllegalStateException(loadProblem);
    }
    return lib;
  }

  private static Lib load() throws IOException {
    if (!Platform.isLinux() || Native.SIZE_T_SIZE != 8) {
      throw new IllegalStateException(
          "built for 64-bit Linux only, this is " + Platform.RESOURCE_PREFIX);
    }
    File f = Native.extractFromResourcePath(NAME, FabricscopeNative.class.getClassLoader());
    try {
      return Native.load(f.getAbsolutePath(), Lib.class);
    } finally {
      // The library stays mapped; its extracted copy is not needed once loaded.
      if (f.getName().startsWith("jna") && !f.delete()) {
        f.deleteOnExit();
      }
    }
  }

  /** The C side's message in an error buffer. */
  public static String message(byte[] err) {
    int n = 0;
    while (n < err.length && err[n] != 0) {
      n++;
    }
    return oneLine(new String(err, 0, n, StandardCharsets.UTF_8));
  }

  /**
   * A native or loading problem as one line ({@link TerminalText#flatten}), not escaped: it becomes
   * a helper's {@code detail} or a {@link dev.fabricscope.agent.bandwidth.HelperException}'s
   * message, which are escaped where they are printed ({@code bandwidth --capabilities}, the CLI's
   * error line) and checked by the server where they are sent.
   */
  public static String oneLine(String s) {
    return TerminalText.flatten(s, "unknown");
  }
}
