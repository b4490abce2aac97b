package dev.fabricscope.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Paths#meet}'s integer arithmetic (ids, prefix flags, switch runs) gives what walking the
 * two upstream chains as lists gives, the way the rules walked them before the path model: the
 * common bridge by index, the ports the kernel checks for ACS, the distinct switches between the
 * two functions (nvidia-smi's PIX/PXB), root buses and NUMA nodes. Every pair of functions, bridges
 * included, of every fixture.
 */
class MeetingTest {

  private static final int MAX_FUNCTIONS = 140;

  /** The list walk: what KernelP2pRules.topology and NvidiaSmiRules.pcieLabel did. */
  static Meeting walk(Fabric f, String a, String b) {
    List<String> ca = f.chain(a);
    List<String> cb = f.chain(b);
    String hbA = f.hostBridge(a);
    String hbB = f.hostBridge(b);
    Integer na = f.numaNode(a);
    Integer nb = f.numaNode(b);
    boolean sameHb = hbA != null && hbA.equals(hbB);
    boolean hbKnown = hbA != null && hbB != null;
    boolean numaKnown = na != null && nb != null;
    boolean sameNuma = Objects.equals(na, nb);
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        List<String> suspects = new ArrayList<>(ca.subList(0, i + 1));
        suspects.addAll(cb.subList(0, j));
        boolean redirect = false;
        boolean unknown = false;
        for (String s : suspects) {
          PciFunction p = f.function(s);
          Boolean r = p == null || p.acs() == null ? null : p.acs().redirects();
          redirect |= Boolean.TRUE.equals(r);
          unknown |= r == null;
        }
        List<String> between = new ArrayList<>(ca.subList(Math.min(1, i), i + 1));
        between.addAll(cb.subList(Math.min(1, j), j));
        int switches = f.switchesOn(between).size();
        return new Meeting(
            i, j, i + j, redirect, unknown, switches, sameHb, hbKnown, sameNuma, numaKnown);
      }
    }
    return new Meeting(
        -1, -1, ca.size() + cb.size(), false, false, 0, sameHb, hbKnown, sameNuma, numaKnown);
  }

  static int assertSameAsWalk(String what, Report r) {
    Fabric f = new Fabric(r);
    Paths paths = f.paths();
    List<String> bdfs = r.pci().stream().map(PciFunction::bdf).toList();
    bdfs = bdfs.subList(0, Math.min(bdfs.size(), MAX_FUNCTIONS));
    int n = 0;
    for (String a : bdfs) {
      for (String b : bdfs) {
        Meeting m = paths.meet(paths.upstream(a), paths.upstream(b));
        assertEquals(walk(f, a, b), m, what + ": " + a + " / " + b);
        assertSame(m, paths.path(a, b).meeting(), "one instance per value");
        n++;
      }
    }
    return n;
  }

  @Test
  void agreesWithTheListWalkOnEveryFixture() throws Exception {
    int pairs = 0;
    for (var archive : Fixtures.archives()) {
      try (var u = ArchiveExtractor.extract(archive)) {
        pairs +=
            assertSameAsWalk(
                archive.getFileName().toString(), new SysfsDiscovery().discover(u.sysfsRoot()));
      }
    }
    for (String dir : List.of("hwloc-xml", "nccl-xml", "text")) {
      try (Stream<java.nio.file.Path> files = Files.list(Fixtures.root().resolve(dir))) {
        for (java.nio.file.Path file : files.sorted().toList()) {
          Report r;
          try {
            r = Importers.load(file);
          } catch (ImportException e) {
            continue;
          }
          pairs += assertSameAsWalk(file.getFileName().toString(), r);
        }
      }
    }
    pairs += assertSameAsWalk("nested switches", SyntheticHosts.nestedSwitches("s", 120));
    pairs += assertSameAsWalk("path test host", PathsTest.host());
    assertTrue(pairs > 50_000, pairs + " pairs");
  }
}
