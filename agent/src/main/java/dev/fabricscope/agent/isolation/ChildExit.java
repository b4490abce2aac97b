package dev.fabricscope.agent.isolation;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;

/**
 * How the child JVM ends: libc's {@code _exit}, after flushing its own streams. Why not {@code
 * System.exit} or {@code Runtime.halt}: both end in libc's {@code exit}, which runs the native
 * libraries' exit handlers and destructors; a driver that hangs or crashes there lost an answer the
 * child had already printed whole (security review 18, #3). Nothing of the child needs a clean JVM
 * shutdown: it holds no files, and its one answer is flushed before. For the same reason driver
 * libraries are loaded never to be unloaded ({@link #DRIVER_LOAD_OPTIONS}).
 */
public final class ChildExit {

  /**
   * JNA's options for a driver library: {@code dlopen}'s default flags and {@code RTLD_NODELETE}.
   * Why: JNA's cleaner {@code dlclose}s a library once nothing holds it, and that runs its
   * destructors on the cleaner's thread, in the middle of the child, holding the dynamic loader's
   * lock; a destructor that hung there also hung the child's own end, which loads libc (review 18,
   * #3).
   */
  public static final Map<String, Object> DRIVER_LOAD_OPTIONS =
      Map.of(Library.OPTION_OPEN_FLAGS, 0x00001 | 0x00100 | 0x01000); // LAZY | GLOBAL | NODELETE

  /** libc, for {@code _exit}. */
  interface LibC extends Library {
    void _exit(int status);
  }

  private static volatile LibC libc;

  private ChildExit() {}

  /** Looks up {@code _exit} before any driver is loaded, so that ending needs no more loading. */
  static void prepare() {
    try {
      libc = Native.load("c", LibC.class);
    } catch (RuntimeException | LinkageError e) {
      // no libc through JNA: now() halts instead
    }
  }

  /** Flushes stdout and stderr and ends the process with {@code code}; never returns. */
  static void now(int code) {
    System.out.flush();
    System.err.flush();
    LibC c = libc;
    if (c != null) {
      c._exit(code);
    }
    // no libc through JNA: halt, which at least skips the shutdown hooks
    Runtime.getRuntime().halt(code);
  }
}
