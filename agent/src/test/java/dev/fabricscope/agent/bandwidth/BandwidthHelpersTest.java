package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Choosing a helper: the first present one, detections reused for a while, then redone. */
class BandwidthHelpersTest {

  /** A TCP helper that counts its detections; present as told. */
  private static final class Counting implements BandwidthHelper {
    final String name;
    volatile boolean present;
    final AtomicInteger detections = new AtomicInteger();

    Counting(String name, boolean present) {
      this.name = name;
      this.present = present;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public HelperCapability detect() {
      detections.incrementAndGet();
      return present
          ? new HelperCapability(name, true, "1", List.of(), "here")
          : HelperCapability.absent(name, "not installed");
    }

    @Override
    public boolean handles(BandwidthKind kind) {
      return kind == BandwidthKind.TCP;
    }

    @Override
    public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void firstPresentHelperIsChosenAndItsDetectionReused() {
    Counting absent = new Counting("a", false);
    Counting present = new Counting("b", true);
    AtomicLong now = new AtomicLong();
    BandwidthHelpers helpers = new BandwidthHelpers(List.of(absent, present), now::get);

    for (int i = 0; i < 5; i++) {
      assertSame(present, helpers.forKind(BandwidthKind.TCP).orElseThrow());
    }
    assertEquals(1, absent.detections.get());
    assertEquals(1, present.detections.get());
  }

  @Test
  void detectionIsRedoneAfterItsTimeToLive() {
    Counting first = new Counting("a", false);
    Counting second = new Counting("b", true);
    AtomicLong now = new AtomicLong();
    BandwidthHelpers helpers = new BandwidthHelpers(List.of(first, second), now::get);
    assertSame(second, helpers.forKind(BandwidthKind.TCP).orElseThrow());

    first.present = true; // installed meanwhile
    now.addAndGet(BandwidthHelpers.DETECTION_TTL.toNanos() - 1);
    assertSame(second, helpers.forKind(BandwidthKind.TCP).orElseThrow());
    now.addAndGet(1);
    assertSame(first, helpers.forKind(BandwidthKind.TCP).orElseThrow());
    assertEquals(2, first.detections.get());
  }

  @Test
  void detectAllDetectsNowAndRefreshesTheChoice() {
    Counting first = new Counting("a", true);
    AtomicLong now = new AtomicLong();
    BandwidthHelpers helpers = new BandwidthHelpers(List.of(first), now::get);
    helpers.forKind(BandwidthKind.TCP);
    first.present = false;
    assertEquals(false, helpers.detectAll().get(0).present());
    // the refreshed detection is the one reused: still none present, so the first handler
    assertSame(first, helpers.forKind(BandwidthKind.TCP).orElseThrow());
    assertEquals(2, first.detections.get());
  }

  @Test
  void noHelperForAKindNobodyHandles() {
    BandwidthHelpers helpers = new BandwidthHelpers(List.of(new Counting("a", true)));
    assertEquals(true, helpers.forKind(BandwidthKind.HOST_MEMCPY).isEmpty());
  }
}
