package dev.fabricscope.agent.cli;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.UnpackTemps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The clean-up of archives unpacked for {@code --fsroot} and {@code --input} (fourteenth security
 * review, finding 4): {@code try (Fsroot fs = …)} never unwinds when the JVM exits on SIGTERM or
 * SIGINT, so every interrupted {@code collect}, {@code gather} or {@code topo} of an archive left
 * its tree, up to 512 MiB, in {@code /dev/shm} (RAM) for good.
 *
 * <ul>
 *   <li>{@link #removeLeftovers}, at the start of every command that unpacks: the trees of
 *       processes that are gone, as the server does at its start ({@link UnpackTemps}; their names
 *       carry the pid);
 *   <li>while open, a shutdown hook interrupts an unpacking under way (the extractor stops at the
 *       next entry and removes its folder), waits for it a moment, and removes this process's trees
 *       in the folder.
 * </ul>
 */
final class UnpackCleanup implements AutoCloseable {

  /** How long the hook waits for an interrupted unpacking to remove its own folder. */
  private static final long STOP_WAIT_MILLIS = 3000;

  private final Path base;
  private final Thread hook;
  private volatile Thread worker;
  private volatile CountDownLatch unpacked = new CountDownLatch(0);

  /** Registers the hook for trees unpacked under {@code base} by this process. */
  UnpackCleanup(Path base) {
    this.base = base;
    this.hook = new Thread(this::onShutdown, "fsroot-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Runs an unpacking on this thread, which the hook interrupts on shutdown. */
  <T, E extends Exception> T unpacking(Unpacking<T, E> work) throws E {
    unpacked = new CountDownLatch(1);
    worker = Thread.currentThread();
    try {
      return work.run();
    } finally {
      worker = null;
      unpacked.countDown();
    }
  }

  /** An unpacking step that may throw its own checked exception. */
  @FunctionalInterface
  interface Unpacking<T, E extends Exception> {
    T run() throws E;
  }

  private void onShutdown() {
    Thread w = worker;
    if (w != null) {
      w.interrupt();
      try {
        unpacked.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    removeOwnTrees(base);
  }

  /**
   * Removes this process's unpacked trees directly in {@code base}, and its staged copy of a
   * streamed archive ({@code topo --input -}, sixteenth security review, finding 4).
   */
  static void removeOwnTrees(Path base) {
    removeOwn(base, UnpackTemps.ownPrefix(UnpackTemps.TREE_PREFIX) + "*");
    removeOwn(
        base, UnpackTemps.ownPrefix(UnpackTemps.STAGED_PREFIX) + "*" + UnpackTemps.STAGED_SUFFIX);
  }

  private static void removeOwn(Path base, String glob) {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(base, glob)) {
      for (Path p : dir) {
        // relative to open folders, never through a link at any level (TreeRemoval); the folder
        // is this user's alone (UnpackFolder), so no other user planted a tree of our pid
        ArchiveExtractor.deleteTree(p);
      }
    } catch (IOException | RuntimeException e) {
      // best effort while the JVM stops: the next start removes what is left
    }
  }

  /**
   * Removes the trees that processes no longer alive left in {@code base}; best effort (a folder
   * that cannot be listed holds nothing this could remove).
   */
  static void removeLeftovers(Path base) {
    Instant start = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    try {
      UnpackTemps.removeLeftovers(base, start);
    } catch (IOException | RuntimeException e) {
      // nothing to do: the unpacking that follows reports an unusable folder itself
    }
  }

  /** Unregisters the hook: the tree is closed, or was never made. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is stopping: the hook runs (or ran) anyway
    }
  }
}
