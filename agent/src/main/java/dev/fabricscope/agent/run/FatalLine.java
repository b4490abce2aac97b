package dev.fabricscope.agent.run;

/**
 * The one line a fatal throwable is logged as ({@link RunShutdown#uncaught}): what it was, and for
 * an {@link OutOfMemoryError} the heap it ran out of and how to give more, since that is what a
 * user can act on.
 */
final class FatalLine {

  private FatalLine() {}

  /**
   * @param maxHeapBytes the JVM's maximum heap ({@link Runtime#maxMemory})
   */
  static String of(Throwable e, long maxHeapBytes) {
    if (e instanceof OutOfMemoryError) {
      return "out of memory ("
          + oneLine(e.getMessage())
          + "; heap "
          + (maxHeapBytes >> 20)
          + " MiB; give it more: JAVA_OPTS=-Xmx...)";
    }
    String message = e.getMessage();
    return e.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "no detail";
    }
    String line = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
