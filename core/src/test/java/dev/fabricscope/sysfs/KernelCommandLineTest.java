package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports carry only the fabric's part of the kernel command line (fifteenth security review,
 * finding 3: {@code netroot=iscsi:USER:PASSWORD@…} and provisioning tokens reached the server).
 */
class KernelCommandLineTest {

  private static final String REVIEW =
      "BOOT_IMAGE=/vmlinuz root=iscsi"
          + " netroot=iscsi:chapuser:S3cr3tCHAPpass@10.1.2.3::3260::iqn.2020-01.com.example:gpu"
          + " ignition.config.url=https://prov.example/ign?token=PROVTOKEN123 intel_iommu=on"
          + " iommu=pt";

  @Test
  void theReviewersLineKeepsTheIommuAndLosesTheCredentials() {
    assertEquals(
        "BOOT_IMAGE=<redacted> root=<redacted> netroot=<redacted> ignition.config.url=<redacted>"
            + " intel_iommu=on iommu=pt",
        KernelCommandLine.redact(REVIEW));
  }

  @Test
  void whatTheFabricNeedsIsKeptWhole() {
    String line =
        "pci=realloc,noats pcie_acs_override=downstream,multifunction pcie_aspm=off"
            + " amd_iommu=on iommu.passthrough=1 numa_balancing=disable hugepages=64"
            + " default_hugepagesz=1G isolcpus=2-7 nohz_full=2-7 rcu_nocbs=2-7 memmap=4G$16G"
            + " nvidia.NVreg_EnableGpuFirmware=0 mlx5_core.num_vfs=8 processor.max_cstate=1"
            + " intel_idle.max_cstate=0 quiet nosmt";
    assertEquals(line, KernelCommandLine.redact(line));
  }

  @Test
  void otherValuesSwitchesAndInitsArgumentsAreRedacted() {
    assertEquals(
        "rd.iscsi.password=<redacted> ip=<redacted> quiet <redacted> <redacted> -- <redacted>",
        KernelCommandLine.redact(
            "rd.iscsi.password=hunter2 ip=10.0.0.5::10.0.0.1:255.255.255.0:node17:eth0:none quiet"
                + " Secret99 \"x=a b\" -- init-arg token=abc"));
    assertEquals("cfg=<redacted> pci=noacs", KernelCommandLine.redact("cfg=\"a b=c d\" pci=noacs"));
    assertNull(KernelCommandLine.redact(null));
    assertEquals("", KernelCommandLine.redact(" \n"));
  }

  /** The host the report is about: its command line as the report carries it. */
  @Test
  void theDiscoveredHostCarriesTheRedactedLine(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/cmdline"), REVIEW + "\n");
    String got = new HostSource(SysfsRoot.of(root), new Diagnostics()).read().kernelCommandLine();
    assertEquals(KernelCommandLine.redact(REVIEW), got);
  }

  /**
   * 2,000 generated lines: random secrets as values of random names off the list, in quotes or
   * after {@code --}, mixed with allow-listed parameters. No secret survives, every allow-listed
   * parameter does, verbatim and in order, and redacting again changes nothing.
   */
  @Test
  void generatedLinesLeakNoSecretAndKeepTheFabricsParameters() {
    Random rnd = new Random(15_3);
    String[] kept = {
      "iommu=pt",
      "intel_iommu=on,sm_on",
      "pci=realloc=off",
      "pcie_acs_override=downstream",
      "amd_iommu=off",
      "hugepagesz=2M",
      "numa=off",
      "nvidia.NVreg_OpenRmEnableUnsupportedGpus=1",
      "mlx5_core.prof_sel=2",
      "swiotlb=65536",
      "mem=512G",
      "acpi=off",
      "nosmt",
      "quiet"
    };
    String[] names = {"root", "netroot", "ip", "rd.iscsi.password", "token", "x", "BOOT_IMAGE"};
    for (int n = 0; n < 2000; n++) {
      List<String> parts = new ArrayList<>();
      List<String> secrets = new ArrayList<>();
      List<String> keptHere = new ArrayList<>();
      boolean init = false;
      for (int i = 0, len = 1 + rnd.nextInt(12); i < len; i++) {
        String secret = "S" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36) + "Z";
        int kind = rnd.nextInt(5);
        if (kind != 0) {
          secrets.add(secret);
        }
        switch (kind) {
          case 0 -> {
            String k = kept[rnd.nextInt(kept.length)];
            parts.add(k);
            if (!init) {
              keptHere.add(k);
            }
          }
          case 1 -> parts.add(names[rnd.nextInt(names.length)] + "=u:" + secret + "@h");
          case 2 -> parts.add("url=\"https://h/p?token=" + secret + " &x=1\"");
          case 3 -> parts.add(secret); // a bare word: kept only when it is a lowercase switch
          default -> {
            if (!init && rnd.nextInt(4) == 0) {
              parts.add("--");
              init = true;
            }
            parts.add("k" + i + "=" + secret);
          }
        }
      }
      String line = String.join(rnd.nextBoolean() ? " " : "  \t", parts);
      String red = KernelCommandLine.redact(line);
      for (String s : secrets) {
        assertFalse(red.contains(s), line + " -> " + red);
      }
      int at = 0;
      for (String k : keptHere) {
        int i = red.indexOf(k, at);
        assertTrue(i >= 0, k + " kept in " + red);
        at = i + k.length();
      }
      assertEquals(red, KernelCommandLine.redact(red), "idempotent");
    }
  }
}
