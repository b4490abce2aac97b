package dev.fabricscope.bandwidth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.tools.PerftestReport.Unit;
import dev.fabricscope.oracle.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * perftest 6.x reports captured in the QEMU rig (soft-RoCE rxe0/rxe1, {@code --report_gbits}):
 * {@code shared/fixtures/sysfs/qemu-rig-plain/rdma/}. Expected values are read off those files; the
 * GIDs are checked against the rig's own {@code gids.txt} (sysfs), an independent source.
 */
class PerftestParserTest {

  private static String rig(String name) {
    Path f = Fixtures.sysfs("qemu-rig-plain/rdma/" + name);
    return Fixtures.read(f);
  }

  @Test
  void loopbackClientGbits() throws Exception {
    PerftestReport r = PerftestParser.parse("ib_write_bw", rig("loopback-client.txt"));
    assertEquals("RDMA_Write BW Test", r.test());
    assertFalse(r.serverSide());
    assertEquals("rxe0", r.device());
    assertEquals("Ethernet", r.linkType());
    assertEquals("RC", r.connectionType());
    assertEquals(1024, r.mtuBytes());
    assertEquals(0, r.gidIndex());
    assertEquals("IB", r.header().get("Transport type"));
    assertEquals("128", r.header().get("TX depth"));
    assertEquals("OFF", r.header().get("rdma_cm QPs"));
    assertEquals(Unit.GBITS, r.unit());
    assertEquals(1, r.rows().size());
    assertEquals(65536, r.rows().get(0).bytes());
    assertEquals(2000, r.rows().get(0).iterations());
    assertEquals(0.40, r.rows().get(0).peak(), 1e-12);
    assertEquals(0.32, r.rows().get(0).average(), 1e-12);
    assertEquals(0.000607, r.rows().get(0).msgRateMpps(), 1e-12);
    // Gb/s of 10^9 bits: 0.32 / 8 = 0.04 GB/s
    assertEquals(0.04, r.averageGBps(), 1e-12);
    // gids.txt: rxe0 gid[0]=fe80:0000:0000:0000:5054:00ff:fe00:0012
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0012", r.localGid());
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0012", r.remoteGid());
  }

  @Test
  void loopbackServerSide() throws Exception {
    PerftestReport r = PerftestParser.parse("ib_write_bw", rig("loopback-server.txt"));
    assertTrue(r.serverSide());
    assertEquals("rxe0", r.device());
    assertNull(r.header().get("TX depth"), "the server prints no TX depth");
    assertEquals(0.32, r.rows().get(0).average(), 1e-12);
    assertEquals(2000, r.rows().get(0).iterations());
  }

  @Test
  void twoNicsBothSides() throws Exception {
    PerftestReport c = PerftestParser.parse("ib_write_bw", rig("two-nics-client.txt"));
    PerftestReport s = PerftestParser.parse("ib_write_bw", rig("two-nics-server.txt"));
    assertEquals("rxe0", c.device());
    assertEquals("rxe1", s.device());
    assertEquals(0.083129, c.rows().get(0).average(), 1e-12);
    assertEquals(0.086744, c.rows().get(0).peak(), 1e-12);
    assertEquals(0.000159, c.rows().get(0).msgRateMpps(), 1e-12);
    assertEquals(0.083129 / 8, c.averageGBps(), 1e-12);
    assertEquals(c.averageGBps(), s.averageGBps(), 1e-12);
    // gids.txt: rxe1 gid[0]=fe80:0000:0000:0000:5054:00ff:fe00:0010
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0012", c.localGid());
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0010", c.remoteGid());
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0010", s.localGid());
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0012", s.remoteGid());
  }

  @Test
  void mibUnitIsTwoToTheTwentiethBytes() {
    // print_report_bw divides by 0x100000 for MB/sec (linux-rdma/perftest perftest_parameters.c)
    assertEquals(11728.47 * 1048576 / 1e9, Unit.MIB.toGBps(11728.47), 1e-12);
    assertEquals(12.298, Unit.MIB.toGBps(11728.47), 0.001);
    assertEquals(12.5, Unit.GBITS.toGBps(100), 1e-12);
  }

  @Test
  void noTableGivesPerftestsOwnErrorLine() {
    String out =
        "---------------------------------------------------------------------------------------\n"
            + "                    RDMA_Write BW Test\n"
            + " Device         : rxe0\n"
            + "Couldn't connect to 10.0.0.2:18515\n"
            + "Unable to open file descriptor for socket connection Unable to init the socket connection\n";
    ToolOutputException e =
        assertThrows(ToolOutputException.class, () -> PerftestParser.parse("ib_write_bw", out));
    assertEquals(
        "ib_write_bw printed no result table: 'Couldn't connect to 10.0.0.2:18515'",
        e.getMessage());
  }

  @Test
  void hostileOutputsAreRefusedWithOneLine() throws Exception {
    String head = rig("loopback-client.txt");
    String table =
        " #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]\n";
    String[] bad = {
      "",
      "   \n\n",
      "\u0000\u0001garbage\u001b[31m",
      head.replace("0.32", "NaN"),
      head.replace("0.32", "-0.32"),
      head.replace("0.32", "0.32 17"),
      head.replace("2000", "2000.5"),
      head.replace("BW average[Gb/sec]", "BW average[MB/sec]"),
      head.replace("RDMA_Write BW Test", "hello"),
      table + " 65536 2000 0.40 0.32 0.000607\n",
      head.replace(" 65536      2000", " 99999999999999999999999 2000"),
      head.replace(" 65536      2000", " 99999999999999999999 2000"),
      "x".repeat(PerftestParser.MAX_CHARS + 1),
    };
    for (String out : bad) {
      ToolOutputException e =
          assertThrows(ToolOutputException.class, () -> PerftestParser.parse("ib_write_bw", out));
      assertTrue(e.getMessage().startsWith("ib_write_bw"), e.getMessage());
      assertFalse(e.getMessage().chars().anyMatch(ch -> ch < 0x20), "one printable line");
    }
  }

  @Test
  void gidBytesAboveByteRangeAreRefused() {
    String out = rig("loopback-client.txt").replace("254:128:00", "999:128:00");
    assertThrows(ToolOutputException.class, () -> PerftestParser.parse("ib_write_bw", out));
  }
}
