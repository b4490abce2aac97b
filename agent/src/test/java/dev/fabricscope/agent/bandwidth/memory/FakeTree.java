package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host's procfs and sysfs as files in a folder, for the memory readers: cgroup v1 and v2 folders,
 * {@code /proc/meminfo}, node meminfo files, written as the kernel writes them.
 */
public final class FakeTree {

  public static final long MIB = 1L << 20;
  public static final long GIB = 1L << 30;

  private final Path root;

  public FakeTree(Path root) {
    this.root = root;
  }

  /** Writes {@code text} at the host path {@code path} ({@code /proc/meminfo}). */
  public FakeTree file(String path, String text) {
    try {
      Path p = root.resolve(path.substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The process's cgroup lines ({@code 0::/path} for v2). */
  public FakeTree selfCgroup(String lines) {
    return file("/proc/self/cgroup", lines);
  }

  /** A v2 folder (path below {@code /sys/fs/cgroup}): limit (null: "max"), usage, inactive file. */
  public FakeTree v2(String dir, Long max, long current, long inactiveFile) {
    String base = "/sys/fs/cgroup" + (dir.equals("/") ? "" : dir);
    file(base + "/memory.max", (max == null ? "max" : Long.toString(max)) + "\n");
    file(base + "/memory.current", current + "\n");
    return file(
        base + "/memory.stat",
        "anon 4096\nfile 8192\nactive_file 4096\ninactive_file " + inactiveFile + "\n");
  }

  /** A v1 folder (path below {@code /sys/fs/cgroup/memory}). */
  public FakeTree v1(String dir, long limit, long usage, long inactiveFile) {
    String base = "/sys/fs/cgroup/memory" + (dir.equals("/") ? "" : dir);
    file(base + "/memory.limit_in_bytes", limit + "\n");
    file(base + "/memory.usage_in_bytes", usage + "\n");
    return file(
        base + "/memory.stat",
        "cache 0\ninactive_file 1\ntotal_cache 0\ntotal_inactive_file " + inactiveFile + "\n");
  }

  /** {@code /proc/meminfo} with this {@code MemAvailable}. */
  public FakeTree memAvailable(long bytes) {
    return file(
        "/proc/meminfo",
        "MemTotal:       24683748 kB\nMemFree:        17942612 kB\nMemAvailable:   "
            + bytes / 1024
            + " kB\nBuffers:          123456 kB\n");
  }

  /** A node's meminfo with this {@code MemFree}. */
  public FakeTree nodeFree(int node, long bytes) {
    return file(
        "/sys/devices/system/node/node" + node + "/meminfo",
        "Node "
            + node
            + " MemTotal:       24683748 kB\nNode "
            + node
            + " MemFree:        "
            + bytes / 1024
            + " kB\nNode "
            + node
            + " MemUsed:         6741136 kB\n");
  }

  public SysfsRoot sysfs() {
    return SysfsRoot.of(root);
  }
}
