package dev.fabricscope.agent.bandwidth.memory;

import java.util.Map;
import java.util.TreeMap;

/**
 * The host buffers one test allocates, in bytes per NUMA node they are bound to (every buffer of
 * ours is bound to one node, and every page of it is touched at once, so all of it is taken).
 *
 * @param what the test, naming it in a refusal ({@code host-memcpy})
 * @param bytesByNode node id to bytes of buffers bound there
 */
public record MemoryNeed(String what, Map<Integer, Long> bytesByNode) {

  public MemoryNeed {
    bytesByNode = Map.copyOf(new TreeMap<>(bytesByNode));
  }

  /** A test that has no buffers yet. */
  public static MemoryNeed of(String what) {
    return new MemoryNeed(what, Map.of());
  }

  /** This need and a buffer of {@code bytes} on {@code node}. */
  public MemoryNeed on(int node, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative buffer size " + bytes);
    }
    TreeMap<Integer, Long> m = new TreeMap<>(bytesByNode);
    m.merge(node, bytes, Math::addExact);
    return new MemoryNeed(what, m);
  }

  /** Bytes of all buffers. */
  public long total() {
    return bytesByNode.values().stream().mapToLong(Long::longValue).reduce(0, Math::addExact);
  }
}
