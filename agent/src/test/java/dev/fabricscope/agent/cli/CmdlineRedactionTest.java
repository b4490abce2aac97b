package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neither {@code collect}'s report nor {@code gather}'s archive carries the credentials of a
 * diskless node's kernel command line (fifteenth security review, finding 3, its reproduction's
 * line); the IOMMU parameters stay in both.
 */
class CmdlineRedactionTest {

  private static final String LINE =
      "BOOT_IMAGE=/vmlinuz root=iscsi"
          + " netroot=iscsi:chapuser:S3cr3tCHAPpass@10.1.2.3::3260::iqn.2020-01.com.example:gpu"
          + " ignition.config.url=https://prov.example/ign?token=PROVTOKEN123 intel_iommu=on"
          + " iommu=pt";
  private static final String REDACTED =
      "BOOT_IMAGE=<redacted> root=<redacted> netroot=<redacted> ignition.config.url=<redacted>"
          + " intel_iommu=on iommu=pt";

  @TempDir Path tmp;

  @Test
  void collectAndGatherCarryOnlyTheRedactedLine() throws Exception {
    try (ArchiveExtractor.Unpacked u =
        ArchiveExtractor.extract(
            Fixtures.sysfs("qemu-rig-iommu.tar.gz"), ArchiveExtractor.Limits.DEFAULT, tmp)) {
      Path root = u.root();
      Files.createDirectories(root.resolve("proc"));
      Files.writeString(root.resolve("proc/cmdline"), LINE + "\n");

      var r = InProcess.run("collect", "--fsroot", root.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(REDACTED, kernelCommandLine(r.out()));

      Path archive = tmp.resolve("g.tar.gz");
      var g = InProcess.run("gather", "--fsroot", root.toString(), "--output", "" + archive);
      assertEquals(0, g.code(), g.err());
      String all = archiveText(archive);
      for (String secret : new String[] {"S3cr3tCHAPpass", "PROVTOKEN123", "chapuser"}) {
        assertFalse(all.contains(secret), secret + " in the gathered archive");
      }
      assertTrue(all.contains("proc/cmdline=" + REDACTED + "\n"), all);

      var again = InProcess.run("collect", "--fsroot", archive.toString());
      assertEquals(0, again.code(), again.err());
      assertEquals(REDACTED, kernelCommandLine(again.out()));
    }
  }

  private static String kernelCommandLine(String reportJson) throws Exception {
    return new ObjectMapper().readTree(reportJson).get("host").get("kernelCommandLine").asText();
  }

  /** Every file of the archive as {@code name=content}, one after another. */
  private static String archiveText(Path archive) throws Exception {
    StringBuilder out = new StringBuilder();
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isFile()) {
          out.append(e.getName().substring(e.getName().indexOf('/') + 1))
              .append('=')
              .append(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return out.toString();
  }
}
