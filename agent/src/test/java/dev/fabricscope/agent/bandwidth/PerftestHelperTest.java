package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perftest command lines, checked exactly and against the ones the rig really ran. */
class PerftestHelperTest {

  private static final Path WRITE = Path.of("/usr/bin/ib_write_bw");
  private static final RdmaPorts.Port RXE0 = new RdmaPorts.Port("rxe0", 1, "Ethernet", "4: ACTIVE");
  private static final RdmaPorts.Port RXE1 = new RdmaPorts.Port("rxe1", 1, "Ethernet", "4: ACTIVE");
  private static final Optional<RdmaPorts.Gid> GID1 =
      Optional.of(new RdmaPorts.Gid(1, "0000:0000:0000:0000:0000:ffff:0a4d:0002", "10.77.0.2"));

  private static BandwidthSpec rdma(BandwidthKind kind, long bytes, int reps, Integer seconds) {
    return BandwidthSpec.of(
        kind,
        Endpoint.parse("rdma:rxe0"),
        Endpoint.parse("rdma:rxe1:1"),
        bytes,
        reps,
        seconds,
        1,
        false);
  }

  @Test
  void serverAndClientCommandLines() throws Exception {
    BandwidthSpec spec = rdma(BandwidthKind.RDMA_WRITE, 65536, 1000, null);
    assertEquals(
        List.of(
            "/usr/bin/ib_write_bw",
            "-d",
            "rxe1",
            "-i",
            "1",
            "-x",
            "1",
            "-p",
            "18515",
            "--report_gbits",
            "-F",
            "-s",
            "65536",
            "-n",
            "1000"),
        PerftestHelper.command(WRITE, spec, RXE1, GID1, 18515, null).argv());
    assertEquals(
        List.of(
            "/usr/bin/ib_write_bw",
            "-d",
            "rxe0",
            "-i",
            "1",
            "-p",
            "18515",
            "--report_gbits",
            "-F",
            "-s",
            "268435456",
            "-D",
            "20",
            "10.77.0.2"),
        PerftestHelper.command(
                WRITE,
                rdma(BandwidthKind.RDMA_WRITE, 256L << 20, 10, 20),
                RXE0,
                Optional.empty(),
                18515,
                "10.77.0.2")
            .argv());
    // fewer repetitions than perftest's minimum of 5 iterations
    assertTrue(
        PerftestHelper.command(
                WRITE, rdma(BandwidthKind.RDMA_WRITE, 4096, 2, null), RXE0, GID1, 1, "fd00::1")
            .toString()
            .endsWith("-n 5 fd00::1"));
    assertEquals("ib_read_bw", PerftestHelper.tool(BandwidthKind.RDMA_READ));
    assertEquals("ib_send_bw", PerftestHelper.tool(BandwidthKind.RDMA_SEND));
    assertThrows(HelperException.class, () -> PerftestHelper.tool(BandwidthKind.TCP));
  }

  @Test
  void messagesAboveTwoGibAreRefused() {
    BandwidthSpec big = rdma(BandwidthKind.RDMA_WRITE, 4L << 30, 10, null);
    HelperException e =
        assertThrows(
            HelperException.class, () -> PerftestHelper.command(WRITE, big, RXE0, GID1, 1, null));
    assertEquals("perftest messages are at most 2147483647 bytes, not 4294967296", e.getMessage());
  }

  /**
   * The rig ran these lines for real ({@code perftest/NAME.cmd.txt}); ours have the same options.
   */
  @Test
  void sameOptionsAsTheRigsRealRuns() throws Exception {
    Optional<RdmaPorts.Gid> gid0 =
        Optional.of(new RdmaPorts.Gid(0, "fe80:0000:0000:0000:5054:00ff:fe00:0010", null));
    record Case(String file, BandwidthKind kind, Integer seconds) {}
    for (Case c :
        List.of(
            new Case("write-gbits", BandwidthKind.RDMA_WRITE, null),
            new Case("read-gbits", BandwidthKind.RDMA_READ, null),
            new Case("send-gbits", BandwidthKind.RDMA_SEND, null),
            new Case("write-duration", BandwidthKind.RDMA_WRITE, 3))) {
      String[] lines = resource("perftest/" + c.file() + ".cmd.txt").split("\n");
      BandwidthSpec spec = rdma(c.kind(), 65536, 1000, c.seconds());
      Path tool = Path.of("/usr/bin/" + PerftestHelper.tool(c.kind()));
      List<String> server = Arrays.asList(lines[0].split(" "));
      List<String> client = Arrays.asList(lines[1].split(" "));
      int port = Integer.parseInt(server.get(server.indexOf("-p") + 1));
      assertEquals(
          sorted(server),
          sorted(PerftestHelper.command(tool, spec, RXE1, gid0, port, null).argv()),
          c.file());
      assertEquals(
          sorted(client),
          sorted(PerftestHelper.command(tool, spec, RXE0, gid0, port, "127.0.0.1").argv()),
          c.file());
    }
  }

  @Test
  void rehearsalOnTheRigsPortsStartsNothing(@TempDir Path bin) throws Exception {
    ProcessRunner runner = new ProcessRunner();
    new PerftestHelper(
            runner,
            new ExecutableFinder(List.of(fakePerftest(bin))),
            SysfsRoot.of(RdmaPortsTest.rxeSysfs()),
            null)
        .rehearse();
    assertEquals(0, runner.starts());
  }

  @Test
  void hostileInputsNeverStartAnything(@TempDir Path bin) throws Exception {
    for (String bad :
        List.of(
            "rdma:rxe0;reboot",
            "rdma:$(id)",
            "rdma:`id`",
            "rdma:-rf",
            "rdma:rxe0\n",
            "rdma:--output=/etc/x")) {
      assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(bad), bad);
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PerftestHelper(
                new ProcessRunner(),
                new ExecutableFinder(List.of(bin)),
                SysfsRoot.of(bin),
                "10.0.0.1;id"));
    ProcessRunner runner = new ProcessRunner();
    PerftestHelper helper =
        new PerftestHelper(
            runner,
            new ExecutableFinder(List.of(fakePerftest(bin))),
            SysfsRoot.of(RdmaPortsTest.rxeSysfs()),
            null);
    BandwidthSpec spec = rdma(BandwidthKind.RDMA_WRITE, 65536, 10, null);
    for (Peer p :
        List.of(
            new Peer("10.77.0.2;id", 18515, null, null),
            new Peer("--output=/etc/x", 18515, null, null),
            new Peer("`id`", 18515, null, null),
            new Peer("10.77.0.2", -1, null, null))) {
      assertThrows(HelperException.class, () -> helper.run(spec, p, Cancellation.within(5)));
    }
    BandwidthSpec notHere =
        BandwidthSpec.of(
            BandwidthKind.RDMA_WRITE,
            Endpoint.parse("rdma:mlx5_0"),
            Endpoint.parse("rdma:rxe1"),
            65536,
            10,
            null,
            1,
            false);
    HelperException e =
        assertThrows(
            HelperException.class,
            () ->
                helper.run(
                    notHere, new Peer("10.77.0.2", 18515, null, null), Cancellation.within(5)));
    assertEquals("rdma:mlx5_0:1 is not an RDMA port of this host", e.getMessage());
    assertEquals(0, runner.starts());
  }

  @Test
  void detectReportsVersionAndActivePorts(@TempDir Path bin) throws Exception {
    ProcessRunner runner = new ProcessRunner();
    HelperCapability c =
        new PerftestHelper(
                runner,
                new ExecutableFinder(List.of(fakePerftest(bin))),
                SysfsRoot.of(RdmaPortsTest.rxeSysfs()),
                null)
            .detect();
    assertTrue(c.present(), c.detail());
    assertEquals("6.06", c.version());
    assertEquals(List.of("rdma:rxe0:1", "rdma:rxe1:1"), c.devices());
    HelperCapability none =
        new PerftestHelper(runner, new ExecutableFinder(List.of(bin)), SysfsRoot.of(bin), null)
            .detect();
    assertFalse(none.present());
    assertEquals(
        "perftest 6.06 found, but no active RDMA port in /sys/class/infiniband", none.detail());
    HelperCapability absent =
        new PerftestHelper(
                runner,
                new ExecutableFinder(List.of(bin.resolve("nothing"))),
                SysfsRoot.of(bin),
                null)
            .detect();
    assertFalse(absent.present());
    assertTrue(absent.detail().startsWith("ib_write_bw not found in"), absent.detail());
  }

  /**
   * An {@code ib_write_bw} that answers {@code --version} as perftest 6.06 did in the rig ({@code
   * perftest/version-write.txt}: "Version: 6.06", exit status 1). Only detection runs it.
   */
  private static Path fakePerftest(Path dir) throws IOException {
    Path f = dir.resolve("ib_write_bw");
    Files.writeString(f, "#!/bin/sh\necho 'Version: 6.06'\nexit 1\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  private static List<String> sorted(List<String> argv) {
    return argv.subList(1, argv.size()).stream().sorted().toList();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PerftestHelperTest.class.getResourceAsStream("/bandwidth/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
