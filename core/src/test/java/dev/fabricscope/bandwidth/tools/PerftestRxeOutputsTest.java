package dev.fabricscope.bandwidth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.tools.PerftestReport.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * perftest 6.06 (Debian 4.5+0.17) outputs of write, read and send, with and without {@code
 * --report_gbits}, both sides, rxe0 to rxe1 in the QEMU rig ({@code
 * core/src/testFixtures/resources/bandwidth/perftest/}, README there). Expected values are read off
 * the files.
 */
class PerftestRxeOutputsTest {

  private static String file(String name) {
    return Iperf3ParserTest.resource("perftest/" + name);
  }

  @ParameterizedTest
  @CsvSource({
    // name,         tool,        title,               unit,  iterations, peak,     average,
    // msgRate
    "write-gbits,    ib_write_bw, RDMA_Write BW Test, GBITS, 1000, 0.050287, 0.046786, 0.000089",
    "write-mbytes,   ib_write_bw, RDMA_Write BW Test, MIB,   1000, 8.64,     5.10,     0.000082",
    "read-gbits,     ib_read_bw,  RDMA_Read BW Test,  GBITS, 1000, 0.084590, 0.061434, 0.000117",
    "read-mbytes,    ib_read_bw,  RDMA_Read BW Test,  MIB,   1000, 15.91,    8.18,     0.000131",
    "send-gbits,     ib_send_bw,  Send BW Test,       GBITS, 1000, 0.046714, 0.041977, 0.000080",
    "send-mbytes,    ib_send_bw,  Send BW Test,       MIB,   1000, 4.06,     3.05,     0.000049",
    "write-duration, ib_write_bw, RDMA_Write BW Test, GBITS, 353,  0.000000, 0.061523, 0.000117",
  })
  void clientSide(
      String name,
      String tool,
      String title,
      Unit unit,
      long iterations,
      double peak,
      double average,
      double msgRate)
      throws Exception {
    PerftestReport r = PerftestParser.parse(tool, file(name + "-client.txt"));
    assertEquals(title, r.test());
    assertFalse(r.serverSide());
    assertEquals("rxe0", r.device());
    assertEquals(0, r.gidIndex());
    assertEquals(1024, r.mtuBytes());
    assertEquals(unit, r.unit());
    PerftestReport.Row row = r.rows().get(0);
    assertEquals(65536, row.bytes());
    assertEquals(iterations, row.iterations());
    assertEquals(peak, row.peak(), 1e-12);
    assertEquals(average, row.average(), 1e-12);
    assertEquals(msgRate, row.msgRateMpps(), 1e-12);
    // rxe0's and rxe1's link-local GIDs, as the rig's sysfs lists them (rxe-sysfs/)
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0012", r.localGid());
    assertEquals("fe80:0000:0000:0000:5054:00ff:fe00:0010", r.remoteGid());
  }

  /**
   * The unit, checked against a column perftest computes independently: MsgRate × message size is
   * bytes per second. Within the printed rounding (half a unit of MsgRate's sixth decimal and of
   * the average's last digit) it must equal the average read in our unit: MiB for MB/sec. Read as
   * 10^6 bytes, the MB/sec files would miss by 5 %, far outside it.
   */
  @ParameterizedTest
  @CsvSource({
    "write-gbits, 0.0000005",
    "write-mbytes, 0.005",
    "read-gbits, 0.0000005",
    "read-mbytes, 0.005",
    "send-gbits, 0.0000005",
    "send-mbytes, 0.005",
  })
  void averageAgreesWithMessageRate(String name, double averageRounding) throws Exception {
    PerftestReport r = PerftestParser.parse("perftest", file(name + "-client.txt"));
    PerftestReport.Row row = r.rows().get(0);
    double fromRate = row.msgRateMpps() * 1e6 * row.bytes() / 1e9;
    double tolerance = 0.5e-6 * 1e6 * row.bytes() / 1e9 + r.unit().toGBps(averageRounding);
    assertEquals(fromRate, r.averageGBps(), tolerance, name);
    if (r.unit() == Unit.MIB) {
      double asDecimalMegabytes = row.average() * 1e6 / 1e9;
      assertTrue(
          Math.abs(fromRate - asDecimalMegabytes) > 3 * tolerance, name + ": MB would fit too");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "write-gbits",
    "write-mbytes",
    "read-gbits",
    "read-mbytes",
    "send-gbits",
    "send-mbytes",
    "write-duration"
  })
  void serverSideOfTheSameRun(String name) throws Exception {
    PerftestReport s = PerftestParser.parse("perftest", file(name + "-server.txt"));
    PerftestReport c = PerftestParser.parse("perftest", file(name + "-client.txt"));
    assertTrue(s.serverSide());
    assertEquals("rxe1", s.device());
    assertEquals(c.remoteGid(), s.localGid());
    assertEquals(c.localGid(), s.remoteGid());
    assertEquals(c.rows().get(0).iterations(), s.rows().get(0).iterations());
    // write and read servers print the client's figures; a send server measures its receives
    if (!name.startsWith("send-gbits")) {
      assertEquals(c.rows().get(0).average(), s.rows().get(0).average(), 1e-12, name);
    }
  }

  @Test
  void sendServerMeasuresItsOwnReceives() throws Exception {
    PerftestReport s = PerftestParser.parse("ib_send_bw", file("send-gbits-server.txt"));
    assertEquals(0.040789, s.rows().get(0).average(), 1e-12);
    assertEquals(0.040789 / 8, s.averageGBps(), 1e-12);
    assertEquals("512", s.header().get("RX depth"));
  }

  @Test
  void readHeaderAndItsWarningLine() throws Exception {
    // ib_read_bw on rxe prints "Device not recognized to implement inline feature" first
    PerftestReport r = PerftestParser.parse("ib_read_bw", file("read-gbits-server.txt"));
    assertEquals("128", r.header().get("Outstand reads"));
    assertEquals(0.061434 / 8, r.averageGBps(), 1e-12);
  }

  @Test
  void realFailuresGiveTheirOwnLine() {
    assertEquals(
        "ib_write_bw printed no result table: 'IB device nosuch0 not found'",
        assertThrows(
                ToolOutputException.class,
                () -> PerftestParser.parse("ib_write_bw", file("error-no-device.txt")))
            .getMessage());
    assertEquals(
        "ib_write_bw printed no result table: 'Couldn't connect to 127.0.0.1:18701'",
        assertThrows(
                ToolOutputException.class,
                () -> PerftestParser.parse("ib_write_bw", file("error-no-server.txt")))
            .getMessage());
    // IPv4-mapped GIDs of two ports of one host: the route is via lo, the QP cannot reach RTR
    assertEquals(
        "ib_write_bw printed no result table: 'Failed to modify QP 18 to RTR'",
        assertThrows(
                ToolOutputException.class,
                () -> PerftestParser.parse("ib_write_bw", file("ipv4-gid-same-host-client.txt")))
            .getMessage());
    assertEquals(
        "ib_write_bw printed no result table: 'ethernet_read_keys: Couldn't read remote address'",
        assertThrows(
                ToolOutputException.class,
                () -> PerftestParser.parse("ib_write_bw", file("ipv4-gid-same-host-server.txt")))
            .getMessage());
  }
}
