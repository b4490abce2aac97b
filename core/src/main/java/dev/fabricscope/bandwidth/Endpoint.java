package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end of a bandwidth test, written as text on the command line and in the API:
 *
 * <ul>
 *   <li>{@code numa:N} — host memory on NUMA node N (0–1023);
 *   <li>{@code gpu:N} — CUDA device ordinal N (0–63);
 *   <li>{@code 0000:3b:00.0} — a PCI function by BDF (a GPU, a NIC or an NVMe controller); {@code
 *       pci:0000:3b:00.0} is read the same and written without the prefix;
 *   <li>{@code rdma:NAME} or {@code rdma:NAME:PORT} — an RDMA device ({@code mlx5_0}, {@code rxe0})
 *       and port (1–255, default 1);
 *   <li>{@code addr:ADDRESS} — an IPv4 or IPv6 literal (TCP tests; never a name to resolve).
 * </ul>
 *
 * Every form is checked against its pattern and range before anything uses it: endpoint text ends
 * up as arguments of helper processes, so nothing option-like, no separators and no shell
 * characters can pass (an RDMA name never starts with {@code -}).
 *
 * @param type what the endpoint names
 * @param name the NUMA node or GPU ordinal as digits, the BDF, the RDMA device or the address
 * @param port the RDMA port (null for other types)
 */
public record Endpoint(Type type, String name, Integer port) {

  /** What an endpoint names. */
  public enum Type {
    NUMA,
    GPU,
    PCI,
    RDMA,
    ADDRESS
  }

  private static final Pattern NUMA = Pattern.compile("numa:([0-9]{1,4})");
  private static final Pattern GPU = Pattern.compile("gpu:([0-9]{1,2})");
  private static final Pattern BDF =
      Pattern.compile("([0-9a-f]{4,8}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7])");
  private static final Pattern RDMA =
      Pattern.compile("rdma:([A-Za-z][A-Za-z0-9_]{0,31})(?::([0-9]{1,3}))?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "addr:((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))");
  private static final Pattern IPV6 = Pattern.compile("addr:([0-9a-fA-F:]{2,39})");

  /** Host memory of a NUMA node. */
  public static Endpoint numa(int node) {
    return parse("numa:" + node);
  }

  /** A CUDA device by ordinal. */
  public static Endpoint gpu(int ordinal) {
    return parse("gpu:" + ordinal);
  }

  /**
   * Reads an endpoint.
   *
   * @throws IllegalArgumentException with a one-line reason that quotes the text printably
   */
  @JsonCreator
  public static Endpoint parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an endpoint is required");
    }
    if (text.length() > 64) {
      throw new IllegalArgumentException("endpoint longer than 64 characters");
    }
    Matcher m;
    if ((m = NUMA.matcher(text)).matches()) {
      int n = Integer.parseInt(m.group(1));
      if (n > 1023) {
        throw new IllegalArgumentException("NUMA node " + n + " out of range 0-1023");
      }
      return new Endpoint(Type.NUMA, Integer.toString(n), null);
    }
    if ((m = GPU.matcher(text)).matches()) {
      int n = Integer.parseInt(m.group(1));
      if (n > 63) {
        throw new IllegalArgumentException("GPU ordinal " + n + " out of range 0-63");
      }
      return new Endpoint(Type.GPU, Integer.toString(n), null);
    }
    if ((m = BDF.matcher(text.startsWith("pci:") ? text.substring(4) : text)).matches()) {
      return new Endpoint(Type.PCI, m.group(1), null);
    }
    if ((m = RDMA.matcher(text)).matches()) {
      int port = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
      if (port < 1 || port > 255) {
        throw new IllegalArgumentException("RDMA port " + port + " out of range 1-255");
      }
      return new Endpoint(Type.RDMA, m.group(1), port);
    }
    if ((m = IPV4.matcher(text)).matches()) {
      return new Endpoint(Type.ADDRESS, m.group(1), null);
    }
    if ((m = IPV6.matcher(text)).matches() && validIpv6(m.group(1))) {
      return new Endpoint(Type.ADDRESS, m.group(1).toLowerCase(java.util.Locale.ROOT), null);
    }
    throw new IllegalArgumentException(
        "endpoint '"
            + printable(text)
            + "' is not numa:N, gpu:N, a BDF (0000:3b:00.0), rdma:NAME[:PORT] or addr:IP");
  }

  /** The endpoint as it is written. */
  @JsonValue
  @Override
  public String toString() {
    return switch (type) {
      case NUMA -> "numa:" + name;
      case GPU -> "gpu:" + name;
      case PCI -> name;
      case RDMA -> "rdma:" + name + ":" + port;
      case ADDRESS -> "addr:" + name;
    };
  }

  /** The NUMA node or GPU ordinal as a number. */
  public int index() {
    if (type != Type.NUMA && type != Type.GPU) {
      throw new IllegalStateException(this + " has no index");
    }
    return Integer.parseInt(name);
  }

  private static boolean validIpv6(String s) {
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int nonEmpty = 0;
    for (String g : groups) {
      if (g.length() > 4) {
        return false;
      }
      if (!g.isEmpty()) {
        nonEmpty++;
      }
    }
    return doubleColon >= 0 ? nonEmpty <= 7 : groups.length == 8 && nonEmpty == 8;
  }

  /**
   * Text safe to quote in a one-line message: at most 40 characters, control characters as {@code
   * ?}.
   */
  public static String printable(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && i < 40; i++) {
      char c = text.charAt(i);
      b.append(c < 0x20 || dev.fabricscope.text.TerminalText.steers(c) ? '?' : c);
    }
    return text.length() > 40 ? b + "..." : b.toString();
  }
}
