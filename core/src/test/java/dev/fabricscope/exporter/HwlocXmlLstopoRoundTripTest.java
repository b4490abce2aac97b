package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.Lstopo;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fixture CI has (hwloc-xml/*.xml, nccl-xml/*-topo.xml, every sysfs archive, the H200 host)
 * is exported as hwloc XML and loaded by the real hwloc of the machine ({@link Lstopo}). hwloc must
 * load it without a word on stderr (it prints "out-of-order XML topology load" and similar there
 * and still exits 0), and the PCI tree hwloc then holds must be the report's: the same functions by
 * busid, each with the report's base class and subclass (never "ffff" where the report knows the
 * class), vendor:device, parent bridge and, where the report knows it, the bridge's bus range; the
 * same NUMA nodes with the memory the report knows; the same packages as hwloc finds in the source
 * ({@link #hwlocView}): number, os_index, cpuset and the NUMA nodes with CPUs they hold, as lstopo
 * and as {@code hwloc-info} read our file.
 *
 * <p>One hwloc limit is stated, not hidden: Debian's hwloc is built without 32-bit PCI domains and
 * says so ("Ignoring bridge to PCI with non-16bit domain"); the functions it drops are exactly
 * those of such domains (hwloc-2pa-pcidomain32bits).
 */
class HwlocXmlLstopoRoundTripTest {

  /** hwloc 2.9's whole message, line by line (topology-xml.c). */
  private static final Set<String> DOMAIN32 =
      Set.of(
          "hwloc/xml: Ignoring bridge to PCI with non-16bit domain.",
          "hwloc/xml: Ignoring PCI device with non-16bit domain.",
          "Pass --enable-32bits-pci-domain to configure to support such devices",
          "(warning: it would break the library ABI, don't enable unless really needed).");

  @TempDir static Path tmp;

  @TestFactory
  Stream<DynamicTest> everyFixtureLoadsInLstopoWithTheSamePciTree() throws IOException {
    List<Path> inputs = new ArrayList<>();
    try (Stream<Path> s = Files.list(Fixtures.root().resolve("hwloc-xml"))) {
      s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(inputs::add);
    }
    try (Stream<Path> s = Files.list(Fixtures.root().resolve("nccl-xml"))) {
      s.filter(p -> p.toString().endsWith("-topo.xml")).sorted().forEach(inputs::add);
    }
    inputs.addAll(Fixtures.archives());
    inputs.add(Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2"));
    assertTrue(inputs.size() >= 35, "fixtures present: " + inputs.size());
    Lstopo.binary(); // fail at once, not per fixture, when hwloc is not installed
    return inputs.stream()
        .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  static Report report(Path input) throws Exception {
    if (Fixtures.stem(input) != null) {
      try (var u = ArchiveExtractor.extract(input)) {
        return new SysfsDiscovery().discover(u.sysfsRoot());
      }
    }
    return Importers.load(input);
  }

  private static void check(Path input) throws Exception {
    Report r = report(input);
    Path file = tmp.resolve(input.getFileName() + ".fabricscope.xml");
    Files.writeString(file, HwlocXmlExporter.write(r));
    Lstopo.Result out = Lstopo.load(file, tmp);
    Map<String, PciFunction> wide = new TreeMap<>();
    for (PciFunction f : r.pci()) {
      if (Long.parseLong(f.bdf().substring(0, f.bdf().indexOf(':')), 16) > 0xffff) {
        wide.put(f.bdf(), f);
      }
    }
    if (wide.isEmpty()) {
      assertEquals("", out.stderr(), "hwloc complained about " + input.getFileName());
    } else {
      assertEquals(DOMAIN32, Set.copyOf(out.stderr().lines().toList()), "only that hwloc limit");
    }
    Map<String, Lstopo.Pci> hwloc = Lstopo.pci(out.xml());
    Map<String, String> expected = new TreeMap<>();
    for (PciFunction f : r.pci()) {
      if (!wide.containsKey(f.bdf())) {
        expected.put(f.bdf(), expected(f, r));
      }
    }
    Map<String, String> got = new TreeMap<>();
    hwloc.forEach((bdf, p) -> got.put(bdf, seen(p, r, bdf)));
    assertEquals(expected, got, input.getFileName().toString());
    assertFalse(r.pci().size() > wide.size() && hwloc.isEmpty(), "hwloc kept no PCI object");

    Map<Integer, Long> memory = Lstopo.numaMemory(out.xml());
    List<Host.NumaNode> nodes = r.host() == null ? List.of() : r.host().numaNodes();
    if (!nodes.isEmpty()) {
      Map<Integer, Long> want = new TreeMap<>();
      nodes.forEach(n -> want.put(n.id(), n.memoryBytes() == null ? 0L : n.memoryBytes()));
      assertEquals(want, memory, "NUMA nodes and their memory");
    }

    String view = hwlocView(input);
    BitSet compared = new BitSet();
    if (view != null) {
      // every hwloc view of these sources has packages: the comparison below is never empty
      assertFalse(Lstopo.packages(view).isEmpty(), "hwloc sees no package in " + input);
      nodes.stream()
          .filter(n -> n.cpulist() != null && !n.cpulist().isBlank())
          .filter(n -> Lstopo.numaMemory(view).containsKey(n.id()))
          .forEach(n -> compared.set(n.id()));
    }
    assertEquals(
        packages(view == null ? List.of() : Lstopo.packages(view), compared),
        packages(Lstopo.packages(out.xml()), compared),
        "packages (os_index, cpuset, NUMA nodes with CPUs in the nodeset) of "
            + input.getFileName());
    // and as hwloc-info lists them from our file
    List<String> viewed = new ArrayList<>();
    for (Lstopo.Package p : view == null ? List.<Lstopo.Package>of() : Lstopo.packages(view)) {
      viewed.add("P#" + p.osIndex() + " cpus " + p.cpus());
    }
    assertEquals(viewed, Lstopo.infoPackages(file), "hwloc-info's packages of our export");
  }

  /**
   * The source as hwloc itself sees it, as hwloc XML: lstopo's Linux backend over the unpacked
   * sysfs tree (null when hwloc refuses a tree without CPU topology files: no packages); lstopo's
   * load of an hwloc XML file, or the file itself when it is hwloc 3.0 XML, which lstopo 2.9 cannot
   * read (written by hwloc, not by us); null for NCCL files, which describe no packages.
   */
  static String hwlocView(Path input) throws Exception {
    if (Fixtures.stem(input) != null) {
      try (var u = ArchiveExtractor.extract(input)) {
        Lstopo.Result tree = Lstopo.loadTree(u.root(), tmp, Fixtures.stem(input));
        return tree == null ? null : tree.xml();
      }
    }
    if (!input.getParent().getFileName().toString().equals("hwloc-xml")) {
      return null;
    }
    String source = Files.readString(input);
    if (source.contains("<topology version=\"3.")) {
      return source;
    }
    return Lstopo.load(input, tmp).xml();
  }

  /**
   * Packages as compared: os_index, cpuset, and the nodeset restricted to the NUMA nodes that have
   * CPUs in the report and that hwloc holds in its view of the source. Where hwloc hangs a node
   * without CPUs (GPU memory, CXL) depends on what the report does not carry (HMAT initiators,
   * hwloc's special cases for GPU memory); and hwloc drops nodes it was told are disallowed
   * (llnl-chimera's two memory-less nodes, which hwloc 1.x left out of every nodeset), which the
   * report keeps as the machine's nodes.
   */
  private static List<String> packages(List<Lstopo.Package> packages, BitSet withCpus) {
    List<String> out = new ArrayList<>();
    for (Lstopo.Package p : packages) {
      BitSet nodes = new BitSet();
      for (String part : p.nodes().isEmpty() ? new String[0] : p.nodes().split(",")) {
        String[] ab = part.split("-");
        nodes.set(Integer.parseInt(ab[0]), Integer.parseInt(ab[ab.length - 1]) + 1);
      }
      nodes.and(withCpus);
      out.add("P#" + p.osIndex() + " cpus " + p.cpus() + " nodes " + Lstopo.list(nodes));
    }
    return out;
  }

  /** class16|vendor:device|parent|bus range as the report says them. */
  private static String expected(PciFunction f, Report r) {
    int cls = PciTopology.class24(f.classCode());
    String parent =
        f.parent() != null && r.pci().stream().anyMatch(x -> x.bdf().equals(f.parent()))
            ? f.parent()
            : null;
    String range = "-";
    PciFunction.ConfigInfo c = f.config();
    if (c != null && c.secondaryBus() != null && c.subordinateBus() != null) {
      range =
          String.format(
              Locale.ROOT,
              "%s:[%02x-%02x]",
              f.bdf().substring(0, f.bdf().indexOf(':')),
              c.secondaryBus(),
              c.subordinateBus());
    }
    return String.format(
            Locale.ROOT,
            "%04x|%s:%s",
            cls < 0 ? 0xffff : cls >> 8,
            hex4(f.vendorId()),
            hex4(f.deviceId()))
        + "|"
        + parent
        + "|"
        + range;
  }

  /** The same fields as hwloc holds them; the bus range only where the report knows one. */
  private static String seen(Lstopo.Pci p, Report r, String bdf) {
    PciFunction f = r.pci().stream().filter(x -> x.bdf().equals(bdf)).findFirst().orElse(null);
    boolean known =
        f != null
            && f.config() != null
            && f.config().secondaryBus() != null
            && f.config().subordinateBus() != null;
    return p.class16() + "|" + p.ids() + "|" + p.parent() + "|" + (known ? p.bridgePci() : "-");
  }

  private static String hex4(String id) {
    int v = PciTopology.hex(id);
    return v < 0 ? "ffff" : String.format(Locale.ROOT, "%04x", v);
  }
}
