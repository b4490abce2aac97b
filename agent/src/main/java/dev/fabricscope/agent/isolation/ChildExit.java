package dev.fabricscope.agent.isolation;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
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

  // libc's _exit, resolved before any driver is loaded (prepare)
  private static volatile Function exit;

  private ChildExit() {}

  /**
   * Resolves {@code _exit}, and calls through JNA's and the JDK's native paths that an early end
   * takes, before any driver is loaded. Why: a driver whose loading hangs holds the dynamic
   * loader's lock, and resolving a symbol then (JNA's first call of a function, the JVM's first
   * call of a JDK native method) waits for that lock for good, so a child whose agent had gone
   * could not end (security review 19, #2).
   */
  static void prepare() {
    try {
      NativeLibrary c = NativeLibrary.getInstance("c");
      Function getpid = c.getFunction("getpid");
      Function end = c.getFunction("_exit");
      getpid.invokeInt(new Object[0]); // the same native entry _exit is called through
      exit = end;
    } catch (RuntimeException | LinkageError e) {
      // no libc through JNA: now() halts instead
    }
    try {
      // stderr's native write, for the line a child writes before it ends early
      new FileOutputStream(FileDescriptor.err).write(new byte[0]);
    } catch (IOException e) {
      // stderr closed: nothing will be written to it
    }
  }

  /** Flushes stdout and stderr and ends the process with {@code code}; never returns. */
  static void now(int code) {
    System.out.flush();
    System.err.flush();
    Function end = exit;
    if (end != null) {
      end.invokeInt(new Object[] {code}); // _exit returns nothing, and never returns
    }
    // no libc through JNA: halt, which at least skips the shutdown hooks
    Runtime.getRuntime().halt(code);
  }
}
