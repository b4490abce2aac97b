package dev.fabricscope.sysfs;

import static dev.fabricscope.testing.HostileTrees.OUTSIDE_DEVICE;
import static dev.fabricscope.testing.HostileTrees.OUTSIDE_MARK;
import static dev.fabricscope.testing.HostileTrees.OUTSIDE_VENDOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.HostileTrees;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory fsroot someone else prepared: links that leave it are not followed (whatever their
 * place in a path), FIFOs and other non-files are not opened, huge files are not read whole; each
 * is a diagnostic, promptly, and nothing from outside reaches the report or a gather's recorder.
 */
class SysfsRootContainmentTest {

  private static final Duration PROMPT = Duration.ofSeconds(20);
  private static final String BDF = "0000:00:00.0";
  private static final String ENTRY = "/sys/bus/pci/devices/" + BDF;

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private final List<String> recorded = new ArrayList<>();

  @BeforeEach
  void trees() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    HostileTrees.outsideFunction(outside, BDF);
    Files.createDirectories(root.resolve(HostileTrees.BRIDGE));
  }

  @Test
  void aRelativeLinkOutOfTheRootIsRefused() throws Exception {
    HostileTrees.busLink(root, BDF, "../../../../../outside/" + BDF);
    assertRefusedBehind(ENTRY, ENTRY);
  }

  @Test
  void anAbsoluteLinkOutIsRefused() throws Exception {
    HostileTrees.busLink(root, BDF, outside.resolve(BDF).toString());
    assertRefusedBehind(ENTRY, ENTRY);
  }

  @Test
  void anAbsoluteLinkToTheRootItselfIsRefusedToo() throws Exception {
    // absolute texts name the host's /, which a prepared tree is not: the model has no exception
    HostileTrees.insideFunction(root, "0000:00:01.0", "0x0001");
    Files.createSymbolicLink(root.resolve("sys/devices/abs"), root.resolve(HostileTrees.BRIDGE));
    SysfsRoot fs = SysfsRoot.of(root);
    assertTrue(fs.text("/sys/devices/abs/0000:00:01.0/device").problem().contains("leaves"));
    assertEquals("0x0001", fs.text("/sys/devices/pci0000:00/0000:00:01.0/device").value());
  }

  @Test
  void anIntermediateDirectoryLinkOutIsRefused() throws Exception {
    // the review's tree: the bus link stays inside, the host bridge folder it passes leaves
    Files.delete(root.resolve(HostileTrees.BRIDGE));
    Files.createSymbolicLink(root.resolve(HostileTrees.BRIDGE), outside.toAbsolutePath());
    HostileTrees.busLink(root, BDF, "../../../devices/pci0000:00/" + BDF);
    Files.createDirectories(root.resolve("sys/devices/pci0000:01"));
    Files.createSymbolicLink(root.resolve("sys/devices/pci0000:01/up"), Path.of("../../../.."));
    assertRefusedBehind(ENTRY, "/sys/devices/pci0000:00");
    SysfsRoot fs = SysfsRoot.of(root);
    SysfsRoot.Read<byte[]> r = fs.bytes("/sys/devices/pci0000:01/up/outside/" + BDF + "/vendor");
    assertTrue(r.problem().contains("/sys/devices/pci0000:01/up leaves the root"), r.problem());
  }

  @Test
  void aFifoIsNotOpened() throws Exception {
    Path dir = HostileTrees.insideFunction(root, "0000:00:01.0", "0x0001");
    HostileTrees.fifo(dir.resolve("device"));
    String file = "/sys/devices/pci0000:00/0000:00:01.0/device";
    SysfsRoot fs = recorded(SysfsRoot.of(root));
    String problem = assertTimeoutPreemptively(PROMPT, () -> fs.text(file).problem());
    assertTrue(problem.startsWith("not a regular file"), problem);
    Report report = assertTimeoutPreemptively(PROMPT, () -> new SysfsDiscovery().discover(fs));
    assertTrue(hasDiagnostic(report, file, "not a regular file"), report.diagnostics().toString());
    assertEquals("0x8086", report.pci().get(0).vendorId());
    assertTrue(recorded.contains("unreadable " + file), recorded.toString());
  }

  @Test
  void aHugeSparseFileIsNotReadWhole() throws Exception {
    Path dir = HostileTrees.insideFunction(root, "0000:00:01.0", "0x0001");
    HostileTrees.sparse(dir.resolve("config"), 1L << 30);
    String file = "/sys/devices/pci0000:00/0000:00:01.0/config";
    SysfsRoot fs = recorded(SysfsRoot.of(root));
    String problem = assertTimeoutPreemptively(PROMPT, () -> fs.bytes(file).problem());
    assertEquals("larger than 8 MiB: not read", problem);
    Report report = assertTimeoutPreemptively(PROMPT, () -> new SysfsDiscovery().discover(fs));
    assertTrue(hasDiagnostic(report, file, "larger than 8 MiB"), report.diagnostics().toString());
    assertTrue(recorded.contains("unreadable " + file), recorded.toString());
    // the cap itself is still read: /proc/cpuinfo of a very large machine is about 1 MB
    HostileTrees.sparse(dir.resolve("config"), FileReads.MAX_BYTES);
    assertEquals(FileReads.MAX_BYTES, fs.bytes(file).value().length);
  }

  @Test
  void linksThatStayInsideAreFollowedAsBefore() throws Exception {
    HostileTrees.insideFunction(root, "0000:00:01.0", "0x0001");
    Path cls = Files.createDirectories(root.resolve("sys/class/pci_bus"));
    Files.createSymbolicLink(cls.resolve("hop"), Path.of("../../bus/pci/devices/0000:00:01.0"));
    SysfsRoot fs = SysfsRoot.of(root);
    assertEquals("0x0001", fs.text("/sys/class/pci_bus/hop/device").value());
    assertEquals(
        "/sys/devices/pci0000:00/0000:00:01.0",
        fs.resolve("/sys/bus/pci/devices/0000:00:01.0").get());
    assertTrue(fs.list("/sys/class/pci_bus/hop").contains("vendor"));
    assertTrue(fs.takeRefusedLinks().isEmpty());
  }

  /** Reads of the function behind {@code entry} are refused because {@code link} leaves. */
  private void assertRefusedBehind(String entry, String link) throws Exception {
    SysfsRoot fs = recorded(SysfsRoot.of(root));
    assertTimeoutPreemptively(
        PROMPT,
        () -> {
          var vendor = fs.text(entry + "/vendor");
          assertFalse(vendor.ok(), "read outside the root: " + vendor.value());
          assertTrue(vendor.problem().contains(link + " leaves the root"), vendor.problem());
          assertTrue(fs.list(entry).isEmpty());
          assertFalse(fs.dir(entry).text("device").ok());
          assertFalse(fs.exists(entry + "/config"));
        });
    assertTrue(fs.takeRefusedLinks().containsKey(link));
    Report report = assertTimeoutPreemptively(PROMPT, () -> new SysfsDiscovery().discover(fs));
    String json = ReportJson.write(report);
    for (String mark : List.of(OUTSIDE_VENDOR, OUTSIDE_DEVICE, OUTSIDE_MARK)) {
      assertFalse(json.contains(mark), "outside content in the report: " + json);
      assertFalse(recorded.stream().anyMatch(r -> r.contains(mark)), recorded.toString());
    }
    assertTrue(hasDiagnostic(report, link, "leaves the root"), report.diagnostics().toString());
    assertTrue(report.pci().stream().allMatch(f -> f.vendorId() == null), json);
  }

  private static boolean hasDiagnostic(Report report, String path, String reasonPart) {
    for (Diagnostic d : report.diagnostics()) {
      if (d.path().equals(path) && d.reason().contains(reasonPart)) {
        return true;
      }
    }
    return false;
  }

  /** The root, with a recorder that keeps what a gather would pack (files with content). */
  private SysfsRoot recorded(SysfsRoot fs) {
    fs.setRecorder(
        new ReadRecorder() {
          @Override
          public synchronized void file(String path, byte[] content) {
            recorded.add("file " + path + " " + new String(content, StandardCharsets.ISO_8859_1));
          }

          @Override
          public synchronized void link(String path, String text) {
            recorded.add("link " + path + " " + text);
          }

          @Override
          public void directory(String path) {}

          @Override
          public synchronized void unreadable(String path, String problem) {
            recorded.add("unreadable " + path);
          }
        });
    return fs;
  }
}
