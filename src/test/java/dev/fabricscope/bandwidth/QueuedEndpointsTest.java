package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A host whose latest report is missing or unreadable gets a 422 that says its endpoints cannot be
 * checked, and what a report has is read once per snapshot (queueing stays fast).
 */
class QueuedEndpointsTest {

  static String rigJson;
  static String oneNodeJson;

  /** Host name to latest snapshot id, and snapshot id to its JSON. */
  final Map<String, Long> latest = new HashMap<>();

  final Map<Long, String> snapshots = new HashMap<>();
  final AtomicInteger reads = new AtomicInteger();

  @BeforeAll
  static void discover() throws Exception {
    Report rig = Fixtures.discover("qemu-rig-plain");
    rigJson = ReportJson.write(rig);
    Host h = rig.host();
    Host oneNode = h.withNumaNodes(h.numaNodes().subList(0, 1));
    oneNodeJson = ReportJson.write(rig.withHost(oneNode));
  }

  QueuedEndpoints endpoints() {
    InventoryStore inventory =
        (InventoryStore)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {InventoryStore.class},
                (p, m, args) ->
                    switch (m.getName()) {
                      case "host" ->
                          latest.containsKey(args[0])
                              ? Optional.of(
                                  new InventoryStore.Host(
                                      1,
                                      (String) args[0],
                                      null,
                                      null,
                                      latest.get(args[0]),
                                      false,
                                      Map.of(),
                                      null))
                              : Optional.empty();
                      case "snapshotJson" -> {
                        reads.incrementAndGet();
                        yield Optional.ofNullable(snapshots.get(args[0]));
                      }
                      default -> throw new UnsupportedOperationException(m.getName());
                    });
    return new QueuedEndpoints(inventory);
  }

  static TestRequest memcpy(String host, String target) {
    return TestRequest.parse(
        ("{\"kind\":\"host-memcpy\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"numa:0\"},\"target\":{\"endpoint\":\""
                + target
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  static String refusal(QueuedEndpoints q, TestRequest r) {
    ApiException e = assertThrows(ApiException.class, () -> q.check(r));
    assertEquals(422, e.status());
    return e.getMessage();
  }

  @Test
  void aHostWithoutAStoredReportIsRefused() {
    latest.put("h", null);
    String why = refusal(endpoints(), memcpy("h", "numa:0"));
    assertTrue(why.contains("host 'h' has no stored report"), why);
  }

  @Test
  void anUnreadableReportIsRefusedRatherThanGuessed() {
    latest.put("h", 7L);
    snapshots.put(7L, "{\"schemaVersion\":1,");
    String why = refusal(endpoints(), memcpy("h", "numa:0"));
    assertTrue(why.contains("the latest report of host 'h' cannot be read"), why);
    latest.put("g", 8L);
    String gone = refusal(endpoints(), memcpy("g", "numa:0"));
    assertTrue(gone.contains("cannot be read"), gone);
  }

  @Test
  void aReportIsReadOncePerSnapshot() {
    latest.put("h", 1L);
    snapshots.put(1L, rigJson);
    QueuedEndpoints q = endpoints();
    for (int i = 0; i < 50; i++) {
      q.check(memcpy("h", "numa:" + (i % 2)));
    }
    assertEquals(1, reads.get());
    // a newer snapshot without node 1 is read, and holds from then on
    latest.put("h", 2L);
    snapshots.put(2L, oneNodeJson);
    String why = refusal(q, memcpy("h", "numa:1"));
    assertTrue(why.contains("numa:1 is not a NUMA node of h's latest report"), why);
    assertEquals(2, reads.get());
  }
}
