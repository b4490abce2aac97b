package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The real hwloc of this machine ({@code lstopo-no-graphics}, Debian's hwloc-nox, which CI
 * installs) as an oracle: it loads an XML file and writes what it understood as its own XML, read
 * here into plain values. A missing lstopo fails the test: a skipped oracle proves nothing.
 */
public final class Lstopo {

  /**
   * One PCI object as hwloc holds it.
   *
   * @param pciType {@code pci_type} as hwloc wrote it ({@code "0200 [8086:1521] [1028:0518] 01"})
   * @param parent the busid of the nearest enclosing PCI object, null below a host bridge
   * @param bridgePci {@code bridge_pci} of a PCI bridge, null for other objects
   */
  public record Pci(String pciType, String parent, String bridgePci) {

    /** The first four hex digits of {@code pci_type}: base class and subclass. */
    public String class16() {
      return pciType.substring(0, 4);
    }

    /** {@code vvvv:dddd}. */
    public String ids() {
      return pciType.substring(6, 15);
    }
  }

  /**
   * What lstopo printed.
   *
   * @param xml its XML export
   * @param stderr its warnings (hwloc prints load errors there and still exits 0)
   */
  public record Result(String xml, String stderr) {}

  private Lstopo() {}

  /** The lstopo-no-graphics binary on PATH; fails the test when absent. */
  public static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "lstopo-no-graphics");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    fail("lstopo-no-graphics not found on PATH: install hwloc-nox (CI does)");
    return null;
  }

  /** {@code lstopo-no-graphics -i FILE --whole-io --of xml OUT}, no shell; exit 0 required. */
  public static Result load(Path input, Path workDir) throws IOException, InterruptedException {
    Path out = workDir.resolve(input.getFileName() + ".lstopo.xml");
    Path err = workDir.resolve(input.getFileName() + ".lstopo.err");
    Process p =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "-i",
                    input.toString(),
                    "--whole-io",
                    "-f",
                    "--of",
                    "xml",
                    out.toString()))
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("lstopo did not finish on " + input);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertTrue(p.exitValue() == 0, "lstopo exit " + p.exitValue() + " on " + input + ": " + stderr);
    return new Result(Files.readString(out, StandardCharsets.UTF_8), stderr);
  }

  /**
   * {@code lstopo-no-graphics -i DIR --no-io --of xml OUT}: hwloc's Linux backend run over a
   * gathered {@code /sys}+{@code /proc} tree (the directory standing for {@code /}), as hwloc's own
   * test suite runs it. Null when hwloc refuses the tree (it aborts Linux discovery when there are
   * no CPU topology files, and says so).
   */
  public static Result loadTree(Path root, Path workDir, String name)
      throws IOException, InterruptedException {
    Path out = workDir.resolve(name + ".tree.lstopo.xml");
    Path err = workDir.resolve(name + ".tree.lstopo.err");
    Process p =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "-i",
                    root.toString() + "/",
                    "--no-io",
                    "-f",
                    "--of",
                    "xml",
                    out.toString()))
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("lstopo did not finish on " + root);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      return null;
    }
    return new Result(Files.readString(out, StandardCharsets.UTF_8), stderr);
  }

  /**
   * {@code hwloc-info -i FILE package:all}: the packages hwloc-info lists, in its (logical) order,
   * as {@code "P#<os index> cpus <list>"} ({@code P#null} when it prints no os index).
   */
  public static List<String> infoPackages(Path input) throws IOException, InterruptedException {
    Path info = binary().resolveSibling("hwloc-info");
    Process p =
        new ProcessBuilder(List.of(info.toString(), "-i", input.toString(), "package:all"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("hwloc-info did not finish on " + input);
    }
    assertTrue(p.exitValue() == 0, "hwloc-info exit " + p.exitValue() + ": " + out);
    List<String> packages = new java.util.ArrayList<>();
    String os = null;
    boolean open = false;
    for (String line : out.split("\n")) {
      if (line.startsWith("Package L#")) {
        open = true;
        os = null;
      } else if (open && line.startsWith(" os index = ")) {
        os = line.substring(" os index = ".length()).trim();
      } else if (open && line.startsWith(" cpuset = ")) {
        packages.add("P#" + os + " cpus " + list(mask(line.substring(" cpuset = ".length()))));
        open = false;
      }
    }
    return packages;
  }

  /**
   * One Package object as hwloc holds it.
   *
   * @param osIndex {@code os_index} ({@code physical_package_id}), null when hwloc wrote none
   * @param cpus its cpuset in list format ({@code 0,2,4-7})
   * @param nodes its nodeset in list format: the NUMA nodes attached to it, below it or to an
   *     ancestor (hwloc's {@code propagate_nodeset})
   */
  public record Package(Integer osIndex, String cpus, String nodes) {}

  /**
   * Every Package object of an hwloc XML document (type {@code Socket} in hwloc before 1.11), in
   * the order of their first CPU.
   */
  public static List<Package> packages(String xml) {
    record Found(int first, Package p) {}
    List<Found> found = new java.util.ArrayList<>();
    NodeList objects = parse(xml).getElementsByTagName("object");
    for (int i = 0; i < objects.getLength(); i++) {
      Element e = (Element) objects.item(i);
      String type = e.getAttribute("type");
      if (type.equals("Package") || type.equals("Socket")) {
        String os = e.getAttribute("os_index");
        java.util.BitSet cpus = mask(e.getAttribute("cpuset"));
        Package p =
            new Package(
                os.isEmpty() ? null : Integer.valueOf(os),
                list(cpus),
                list(mask(e.getAttribute("nodeset"))));
        found.add(new Found(cpus.nextSetBit(0), p));
      }
    }
    return found.stream()
        .sorted(java.util.Comparator.comparingInt(Found::first))
        .map(Found::p)
        .toList();
  }

  /** hwloc's mask ({@code 0x000000ff,,0xf0000000}: 32-bit words, high first, empty = 0). */
  public static java.util.BitSet mask(String text) {
    java.util.BitSet out = new java.util.BitSet();
    if (text == null || text.isBlank()) {
      return out;
    }
    String[] words = text.trim().split(",", -1);
    for (int w = 0; w < words.length; w++) {
      String word = words[words.length - 1 - w].trim().replaceFirst("^0[xX]", "");
      long v = word.isEmpty() ? 0 : Long.parseLong(word, 16);
      for (int b = 0; b < 32; b++) {
        if ((v & (1L << b)) != 0) {
          out.set(w * 32 + b);
        }
      }
    }
    return out;
  }

  /** List format of a set: {@code 0-7,16}. */
  public static String list(java.util.BitSet set) {
    StringBuilder sb = new StringBuilder();
    for (int i = set.nextSetBit(0); i >= 0; ) {
      int end = set.nextClearBit(i) - 1;
      sb.append(sb.length() > 0 ? "," : "").append(i).append(end > i ? "-" + end : "");
      i = set.nextSetBit(end + 1);
    }
    return sb.toString();
  }

  /** Every PCI object of an hwloc XML document (any version), by busid. */
  public static Map<String, Pci> pci(String xml) {
    Map<String, Pci> out = new TreeMap<>();
    NodeList objects = parse(xml).getElementsByTagName("object");
    for (int i = 0; i < objects.getLength(); i++) {
      Element e = (Element) objects.item(i);
      String busid = e.getAttribute("pci_busid");
      if (busid.isEmpty()) {
        continue;
      }
      String parent = null;
      for (Node n = e.getParentNode(); n instanceof Element pe; n = n.getParentNode()) {
        if (pe.hasAttribute("pci_busid")) {
          parent = pe.getAttribute("pci_busid");
          break;
        }
      }
      String range = e.hasAttribute("bridge_pci") ? e.getAttribute("bridge_pci") : null;
      out.put(busid, new Pci(e.getAttribute("pci_type"), parent, range));
    }
    return out;
  }

  /** NUMA node os_index → {@code local_memory} (0 when hwloc wrote none). */
  public static Map<Integer, Long> numaMemory(String xml) {
    Map<Integer, Long> out = new TreeMap<>();
    NodeList objects = parse(xml).getElementsByTagName("object");
    for (int i = 0; i < objects.getLength(); i++) {
      Element e = (Element) objects.item(i);
      if (e.getAttribute("type").equals("NUMANode") && e.hasAttribute("os_index")) {
        String m = e.getAttribute("local_memory");
        out.put(Integer.parseInt(e.getAttribute("os_index")), m.isEmpty() ? 0 : Long.parseLong(m));
      }
    }
    return out;
  }

  private static Element parse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder()
          .parse(new InputSource(new StringReader(xml)))
          .getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException("not an hwloc XML topology: " + e, e);
    }
  }
}
