package dev.fabricscope.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fsroot directories someone else prepared: PCI functions behind links that leave the root, FIFOs
 * where attribute files belong and huge sparse files. Content outside the root carries {@link
 * #OUTSIDE_VENDOR}, {@link #OUTSIDE_DEVICE} and {@link #OUTSIDE_MARK}, so a test can prove that
 * nothing of it was read.
 */
public final class HostileTrees {

  /** The vendor id of every function outside the root. */
  public static final String OUTSIDE_VENDOR = "0x5eca";

  /** The device id of every function outside the root. */
  public static final String OUTSIDE_DEVICE = "0x5ecb";

  /** Text in the outside functions' {@code modalias} and {@code config} files. */
  public static final String OUTSIDE_MARK = "outside-the-root-7f3a";

  /** The folder holding the functions of host bridge 0000:00 in a tree. */
  public static final String BRIDGE = "sys/devices/pci0000:00";

  private HostileTrees() {}

  /** A function's attribute files in {@code dir} (created). */
  public static Path function(Path dir, String vendor, String device, String mark)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("vendor"), vendor + "\n");
    Files.writeString(dir.resolve("device"), device + "\n");
    Files.writeString(dir.resolve("class"), "0x060000\n");
    Files.writeString(dir.resolve("subsystem_vendor"), vendor + "\n");
    Files.writeString(dir.resolve("subsystem_device"), device + "\n");
    Files.writeString(dir.resolve("local_cpulist"), "0-3\n");
    Files.writeString(dir.resolve("modalias"), mark + "\n");
    byte[] config = new byte[64];
    byte[] m = mark.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(m, 0, config, 64 - m.length, m.length);
    Files.write(dir.resolve("config"), config);
    return dir;
  }

  /** A function outside any root, under {@code outside/BDF}. */
  public static Path outsideFunction(Path outside, String bdf) throws IOException {
    return function(outside.resolve(bdf), OUTSIDE_VENDOR, OUTSIDE_DEVICE, OUTSIDE_MARK);
  }

  /** A function inside {@code root} under the host bridge, with the bus link to it. */
  public static Path insideFunction(Path root, String bdf, String device) throws IOException {
    Path dir = function(root.resolve(BRIDGE).resolve(bdf), "0x8086", device, "inside");
    busLink(root, bdf, "../../../devices/pci0000:00/" + bdf);
    return dir;
  }

  /** The link {@code sys/bus/pci/devices/BDF -> text}. */
  public static void busLink(Path root, String bdf, String text) throws IOException {
    Path devices = Files.createDirectories(root.resolve("sys/bus/pci/devices"));
    Files.createSymbolicLink(devices.resolve(bdf), Path.of(text));
  }

  /** Replaces {@code file} with a FIFO (the Files API cannot make one). */
  public static void fifo(Path file) throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    Process p = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("mkfifo " + file + " failed");
    }
  }

  /** Replaces {@code file} with a sparse file of {@code size} bytes (no disk used). */
  public static void sparse(Path file, long size) throws IOException {
    Files.deleteIfExists(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  /**
   * The review's tree: {@code root} whose host bridge folder is an absolute link to {@code outside}
   * (holding function 0000:00:00.0), plus, under a second bridge inside, 0000:01:00.0 whose {@code
   * device} is a FIFO, 0000:01:01.0 whose {@code config} is a 1 GiB sparse file and a plain
   * 0000:01:02.0.
   */
  public static void reviewTree(Path root, Path outside) throws IOException, InterruptedException {
    outsideFunction(outside, "0000:00:00.0");
    Files.createDirectories(root.resolve("sys/devices"));
    Files.createSymbolicLink(root.resolve(BRIDGE), outside.toAbsolutePath());
    busLink(root, "0000:00:00.0", "../../../devices/pci0000:00/0000:00:00.0");
    Path bridge1 = root.resolve("sys/devices/pci0000:01");
    fifo(function(bridge1.resolve("0000:01:00.0"), "0x8086", "0x0001", "inside").resolve("device"));
    busLink(root, "0000:01:00.0", "../../../devices/pci0000:01/0000:01:00.0");
    Path huge = function(bridge1.resolve("0000:01:01.0"), "0x8086", "0x0002", "inside");
    sparse(huge.resolve("config"), 1L << 30);
    busLink(root, "0000:01:01.0", "../../../devices/pci0000:01/0000:01:01.0");
    function(bridge1.resolve("0000:01:02.0"), "0x8086", "0x0003", "inside");
    busLink(root, "0000:01:02.0", "../../../devices/pci0000:01/0000:01:02.0");
  }
}
