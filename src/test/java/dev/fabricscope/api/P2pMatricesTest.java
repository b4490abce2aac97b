package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.SyntheticHosts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The cache and limits of {@link P2pMatrices}, without a server. */
class P2pMatricesTest {

  private static final String REPORT = ReportJson.write(SyntheticHosts.nestedSwitches("c", 12));

  private final AtomicInteger reads = new AtomicInteger();
  private final Supplier<String> report =
      () -> {
        reads.incrementAndGet();
        return REPORT;
      };

  @Test
  void cachesBySnapshotAndEvictsTheLeastRecentlyUsedBeyondTheBound() {
    P2pMatrices m = new P2pMatrices(100, 1, Duration.ZERO, 1 << 20, 2, new ObjectMapper());
    m.gzip(1, report);
    m.gzip(1, report);
    assertEquals(1, reads.get());
    m.gzip(2, report);
    m.gzip(1, report); // 1 is now the most recently used
    m.gzip(3, report); // evicts 2
    assertEquals(3, reads.get());
    assertEquals(2, m.cached());
    m.gzip(1, report);
    assertEquals(3, reads.get());
    m.gzip(2, report);
    assertEquals(4, reads.get());
  }

  @Test
  void evictsBeyondTheByteBound() {
    P2pMatrices m = new P2pMatrices(100, 1, Duration.ZERO, 1 << 20, 10, new ObjectMapper());
    int size = m.gzip(1, report).length;
    // room for two answers, not three (gzip-coded, each snapshot's id makes a byte or two more)
    P2pMatrices small =
        new P2pMatrices(100, 1, Duration.ZERO, size * 2L + 16, 10, new ObjectMapper());
    for (long id = 1; id <= 5; id++) {
      small.gzip(id, report);
    }
    assertEquals(2, small.cached());
  }

  @Test
  void refusesMoreDevicesThanTheMaximumAndRemembersIt() {
    P2pMatrices m = new P2pMatrices(11, 1, Duration.ZERO, 1 << 20, 2, new ObjectMapper());
    ApiException e = assertThrows(ApiException.class, () -> m.gzip(1, report));
    assertEquals(422, e.status());
    assertThrows(ApiException.class, () -> m.gzip(1, report));
    assertEquals(1, reads.get());
  }

  @Test
  void answersBusyWhenEverySlotIsTakenAndRecovers() {
    P2pMatrices m = new P2pMatrices(100, 1, Duration.ZERO, 1 << 20, 2, new ObjectMapper());
    m.slots().holdAll();
    ApiException e = assertThrows(ApiException.class, () -> m.gzip(1, report));
    assertEquals(503, e.status());
    assertEquals(0, reads.get());
    m.slots().giveBack(1);
    m.gzip(1, report);
    assertEquals(1, reads.get());
  }

  @Test
  void planComparisonsTakeTheSameSlots() {
    P2pMatrices m = new P2pMatrices(100, 1, Duration.ZERO, 1 << 20, 2, new ObjectMapper());
    m.slots().holdAll();
    ApiException e = assertThrows(ApiException.class, () -> m.inSlot(reads::incrementAndGet));
    assertEquals(503, e.status());
    assertEquals(0, reads.get(), "not run without a slot");
    m.slots().giveBack(1);
    assertEquals(1, m.inSlot(reads::incrementAndGet));
    assertThrows(
        IllegalStateException.class,
        () ->
            m.inSlot(
                () -> {
                  throw new IllegalStateException("failed");
                }));
    assertEquals(1, m.slots().free(), "given back after an answer and a failure");
  }

  /** The agent's topo and explain bound and the server's default are one number. */
  @Test
  void theDefaultBoundIsTheAgents() throws Exception {
    String def =
        dev.fabricscope.config.FabricscopeConfig.P2p.class
            .getMethod("maxDevices")
            .getAnnotation(io.smallrye.config.WithDefault.class)
            .value();
    assertEquals(String.valueOf(dev.fabricscope.p2p.P2pAnalyzer.MAX_MATRIX_DEVICES), def);
  }
}
