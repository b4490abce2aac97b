package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.oracle.TreeAssertions;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * This machine: discovery over the live {@code /} gives the tree {@code lspci -tvnn} prints right
 * now. Skipped only where there is no PCI bus at all; a missing lspci is a failure (CI installs
 * pciutils).
 */
class LiveHostTreeTest {

  @Test
  void liveTreeEqualsLspci() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/sys/bus/pci")), "no /sys/bus/pci on this machine");
    String text = lspciTree();
    var oracle = LspciTreeParser.parse(text);
    assertFalse(oracle.isEmpty(), "lspci -tvnn printed no function:\n" + text);
    Report r = new SysfsDiscovery().discover(SysfsRoot.of(Path.of("/")));
    TreeAssertions.assertSameTree(oracle, r.pci(), "live host");
  }

  private static String lspciTree() throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("lspci", "-tvnn").redirectErrorStream(false).start();
    } catch (IOException e) {
      fail("lspci not found (" + e.getMessage() + "): install pciutils to run this test");
      throw e;
    }
    p.getOutputStream().close();
    // stderr is small (libkmod warnings); read it after stdout
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("lspci -tvnn did not finish");
    }
    assertEquals(0, p.exitValue(), "lspci -tvnn failed: " + err);
    return out;
  }
}
