package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.sysfs.SysfsRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory this process's cgroup still lets it take, read through a {@link SysfsRoot}: the kernel
 * OOM-kills the agent at the cgroup's limit however much memory the host has free, and a pod's
 * {@code /proc/meminfo} shows the host's memory, not the limit.
 *
 * <p>The process's cgroup comes from {@code /proc/self/cgroup}: a v1 line whose controllers include
 * {@code memory} (under {@code /sys/fs/cgroup/memory}), else the v2 line {@code 0::path} (under
 * {@code /sys/fs/cgroup}). Its folder and every folder above it up to the mount are read, since a
 * parent's limit (a pod's, a systemd slice's) binds too; the least free of them is the bound. When
 * the folder is not there (a container that sees its own cgroup as the mount's root, or a path with
 * {@code ..}) the mount's root stands for it.
 *
 * <p>Free is the limit less the working set: usage ({@code memory.current}, v1 {@code
 * memory.usage_in_bytes}) less inactive file cache ({@code inactive_file} of {@code memory.stat},
 * v1 {@code total_inactive_file}), which the kernel reclaims before it OOM-kills, as kubelet counts
 * a container's working set. No limit: v2 {@code max}, v1 a value of 2^62 bytes or more (the
 * kernel's "unlimited" is {@code LONG_MAX} rounded down to a page).
 */
public final class CgroupMemory {

  /** v1 limits at or above this are the kernel's "no limit" (PAGE_COUNTER_MAX × page size). */
  static final long V1_UNLIMITED = 1L << 62;

  private static final String V1_BASE = "/sys/fs/cgroup/memory";
  private static final String V2_BASE = "/sys/fs/cgroup";

  private CgroupMemory() {}

  /** The cgroup bound of the process whose {@code /proc/self} the root shows. */
  public static MemoryBound read(SysfsRoot root) {
    SysfsRoot.Read<String> self = root.text("/proc/self/cgroup");
    String v1 = null;
    String v2 = null;
    if (self.ok()) {
      for (String line : self.value().split("\n")) {
        String[] f = line.split(":", 3);
        if (f.length < 3) {
          continue;
        }
        if (f[0].equals("0") && f[1].isEmpty()) {
          v2 = f[2].strip();
        } else if (List.of(f[1].split(",")).contains("memory")) {
          v1 = f[2].strip();
        }
      }
    }
    // a hybrid host has both lines; memory is then a v1 controller
    if (v1 != null) {
      return walk(root, V1_BASE, v1, true);
    }
    if (v2 != null || root.exists(V2_BASE + "/memory.max")) {
      return walk(root, V2_BASE, v2 == null ? "/" : v2, false);
    }
    return MemoryBound.skipped(
        "no cgroup memory controller"
            + (self.ok() ? "" : " (/proc/self/cgroup " + self.problem() + ")"));
  }

  private static MemoryBound walk(SysfsRoot root, String base, String path, boolean v1) {
    String dir = base;
    if (path.startsWith("/") && !path.contains("..") && root.isDirectory(base + path)) {
      dir = path.equals("/") ? base : base + path;
    }
    MemoryBound tightest = null;
    List<String> problems = new ArrayList<>();
    while (true) {
      Level l = level(root, dir, v1);
      if (l.problem != null) {
        problems.add(l.problem);
      } else if (l.limit != null) {
        long free = l.limit - l.used;
        if (tightest == null || free < tightest.freeBytes()) {
          tightest =
              MemoryBound.of(
                  free,
                  "cgroup limit "
                      + MemoryBound.iec(l.limit)
                      + ", "
                      + MemoryBound.iec(l.used)
                      + " in use");
        }
      }
      if (dir.equals(base)) {
        break;
      }
      dir = dir.substring(0, dir.lastIndexOf('/'));
    }
    if (tightest != null) {
      return tightest;
    }
    // an unreadable level might be the one that limits: said, but not guessed at
    return MemoryBound.skipped(
        problems.isEmpty()
            ? "no cgroup memory limit"
            : "cgroup memory limit unknown (" + problems.get(0) + ")");
  }

  /** One folder: its limit (null: none here) and working set, or why it could not be read. */
  private record Level(Long limit, long used, String problem) {}

  private static Level level(SysfsRoot root, String dir, boolean v1) {
    String limitFile = dir + (v1 ? "/memory.limit_in_bytes" : "/memory.max");
    if (!root.exists(limitFile)) {
      return new Level(null, 0, null); // the v2 root has no memory.max: nothing limits here
    }
    SysfsRoot.Read<String> limitText = root.text(limitFile);
    if (!limitText.ok()) {
      return new Level(null, 0, limitFile + " " + limitText.problem());
    }
    if (limitText.value().equals("max")) {
      return new Level(null, 0, null);
    }
    Optional<Long> limit = number(limitText.value());
    if (limit.isEmpty()) {
      return new Level(null, 0, limitFile + " not a number");
    }
    if (v1 && limit.get() >= V1_UNLIMITED) {
      return new Level(null, 0, null);
    }
    String usageFile = dir + (v1 ? "/memory.usage_in_bytes" : "/memory.current");
    Optional<Long> usage = root.textOpt(usageFile).flatMap(CgroupMemory::number);
    if (usage.isEmpty()) {
      return new Level(null, 0, usageFile + " unreadable or not a number");
    }
    long inactive =
        root.textOpt(dir + "/memory.stat")
            .map(s -> stat(s, v1 ? "total_inactive_file" : "inactive_file"))
            .orElse(0L);
    return new Level(limit.get(), Math.max(0, usage.get() - inactive), null);
  }

  private static Optional<Long> number(String s) {
    try {
      return Optional.of(Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static long stat(String memoryStat, String key) {
    // 18 digits at most: a longer count is no page count, read as none (never an exception)
    Matcher m = Pattern.compile("(?m)^" + key + " (\\d{1,18})$").matcher(memoryStat);
    return m.find() ? Long.parseLong(m.group(1)) : 0L;
  }
}
