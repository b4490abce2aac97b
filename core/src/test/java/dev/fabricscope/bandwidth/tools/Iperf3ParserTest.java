package dev.fabricscope.bandwidth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * iperf3 3.12 {@code -J} reports made on 127.0.0.1 ({@code
 * core/src/testFixtures/resources/bandwidth/iperf3/}, see its README). Expected numbers are read
 * off those files.
 */
class Iperf3ParserTest {

  static String resource(String name) {
    try (InputStream in = Iperf3ParserTest.class.getResourceAsStream("/bandwidth/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void clientReport() throws Exception {
    Iperf3Report r = Iperf3Parser.parse(resource("iperf3/loopback-client.json"));
    assertEquals("iperf 3.12", r.version());
    assertFalse(r.server());
    assertEquals("TCP", r.protocol());
    assertEquals(1, r.streams());
    assertEquals(131072, r.blockBytes());
    assertEquals(4896849920L, r.receivedBytes());
    assertEquals(19560933736.654308 / 8e9, r.receivedGBps(), 1e-12);
    assertEquals(19580434159.301674 / 8e9, r.sentGBps(), 1e-12);
    assertEquals(2.002706, r.seconds(), 1e-12);
    assertEquals(15, r.retransmits());
    assertEquals(List.of(19182227049.802326 / 8e9, 19978422677.857361 / 8e9), r.intervalsGBps());
    assertEquals(2.445, r.receivedGBps(), 0.001);
  }

  @Test
  void serverReportOfTheSameRun() throws Exception {
    Iperf3Report r = Iperf3Parser.parse(resource("iperf3/loopback-server.json"));
    assertTrue(r.server());
    assertEquals(19560933736.654308 / 8e9, r.receivedGBps(), 1e-12);
    assertEquals(0.0, r.sentGBps());
    assertNull(r.retransmits());
    // the third interval (2.000145 to 2.002706 s, 2.56 ms) is a tail, not a sample
    assertEquals(List.of(19148968595.00581 / 8e9, 20001802976.066883 / 8e9), r.intervalsGBps());
  }

  @Test
  void blockSizeOption() throws Exception {
    Iperf3Report r = Iperf3Parser.parse(resource("iperf3/loopback-len128k-client.json"));
    assertEquals(131072, r.blockBytes());
    assertEquals(5131468800L, r.receivedBytes());
    assertEquals(20513854081.508236 / 8e9, r.receivedGBps(), 1e-12);
    assertEquals(12, r.retransmits());
  }

  @Test
  void refusedConnectionCarriesIperfsError() {
    ToolOutputException e =
        assertThrows(
            ToolOutputException.class,
            () -> Iperf3Parser.parse(resource("iperf3/refused-client.json")));
    assertEquals("iperf3: 'unable to connect to server: Connection refused'", e.getMessage());
  }

  @Test
  void hostileReportsAreRefused() {
    String good = resource("iperf3/loopback-client.json");
    String[] bad = {
      "",
      "iperf3: error - unable to start listener for connections: Address already in use\n",
      "{",
      "[1,2,3]",
      "{\"start\":{}}",
      good.replace("\"sum_received\"", "\"sum_other\""),
      good.replace("19560933736.654308", "-1"),
      good.replace("19560933736.654308", "\"fast\""),
      good.replace("19560933736.654308", "1e400"),
      good.replace("\"intervals\"", "\"intervalz\""),
      good.replace("\"bytes\":\t4896849920", "\"bytes\":\t1.5"),
      good.replace("\"version\":\t\"iperf 3.12\"", "\"version\":\t7"),
      "{\"error\": \"line one\\nline two\\u001b[2J\"}",
      " ".repeat(Iperf3Parser.MAX_CHARS + 1),
    };
    for (String out : bad) {
      ToolOutputException e =
          assertThrows(ToolOutputException.class, () -> Iperf3Parser.parse(out), out);
      assertTrue(e.getMessage().startsWith("iperf3"), e.getMessage());
      assertFalse(e.getMessage().chars().anyMatch(ch -> ch < 0x20), e.getMessage());
    }
  }

  @Test
  void warningBeforeTheReportIsSkipped() throws Exception {
    Iperf3Report r =
        Iperf3Parser.parse("warning: something\n" + resource("iperf3/loopback-client.json"));
    assertEquals(4896849920L, r.receivedBytes());
  }
}
