package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.FabricDiscoveryStore.Entry;
import dev.fabricscope.inventory.FabricDiscoveryStore.Full;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link FabricDiscoveryStore} must do, on H2 and on a real PostgreSQL. */
abstract class FabricDiscoveryStoreContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-12-05T06:00:00.123456Z");
  static final String LINE =
      "CA    44  1 0x78e7d10300215995 4x QDR - SW   142 32 0x0008f10500108c9e"
          + " ( 'mirage006 HCA-1' - 'Voltaire 4036 # 4036-8C9E' )\n";

  FabricDiscoveryStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = new JdbcFabricDiscoveryStore(dataSource());
  }

  static FabricDiscoveryStore.Entry entry(String name, int bytes, Instant at, String by) {
    return new FabricDiscoveryStore.Entry(name, bytes, "0008:f105:0010:8c9e", 1, 1, at, by);
  }

  @Test
  void storesListsReadsAndDeletes() {
    String text = LINE.replace("mirage006", "mirage006 é∑");
    assertTrue(store.put(entry("b-fabric", 123, T0, "op"), text));
    assertTrue(store.put(entry("a-fabric", 1, T0.plusSeconds(1), "op2"), LINE));
    assertEquals(
        List.of("a-fabric", "b-fabric"),
        store.list().stream().map(FabricDiscoveryStore.Entry::name).toList());
    FabricDiscoveryStore.Stored b = store.get("b-fabric").orElseThrow();
    assertEquals(text, b.text());
    assertEquals(entry("b-fabric", 123, T0, "op"), b.entry());
    // kept gzip-coded, answered as kept: the same text
    byte[] gz = store.gzipped("b-fabric").orElseThrow();
    assertEquals(0x1f, gz[0] & 0xff);
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      assertEquals(text, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(store.gzipped("nothing").isEmpty());
    assertEquals(2, store.all().size());
    assertTrue(store.delete("b-fabric"));
    assertFalse(store.delete("b-fabric"));
    assertTrue(store.get("b-fabric").isEmpty());
  }

  @Test
  void aNewUploadReplacesTheOldOneWhole() {
    assertTrue(store.put(entry("f", 1, T0, "op"), LINE));
    String big = LINE.repeat(20_000); // 2.6 MB: more than a VARCHAR would hold
    assertFalse(store.put(entry("f", big.length(), T0.plusSeconds(5), "op2"), big));
    FabricDiscoveryStore.Stored s = store.get("f").orElseThrow();
    assertEquals(big, s.text());
    assertEquals("op2", s.entry().uploadedBy());
    assertEquals(1, store.list().size());
  }

  @Test
  void concurrentUploadsOfOneNameLeaveOneRow() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        fs.add(pool.submit(() -> store.put(entry("same", n, T0, "op" + n), LINE.repeat(n + 1))));
      }
      for (Future<Boolean> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, store.list().size());
    FabricDiscoveryStore.Stored s = store.get("same").orElseThrow();
    // text and summary come from the same upload
    assertEquals(LINE.repeat(s.entry().bytes() + 1), s.text());
  }

  @Test
  void putsPastTheLimitsAreRefusedAndChangeNothing() {
    FabricDiscoveryStore.Limits two = new FabricDiscoveryStore.Limits(2, 100);
    assertTrue(store.put(entry("a", 40, T0, "op"), LINE, two));
    assertTrue(store.put(entry("b", 40, T0, "op"), LINE, two));
    var count = assertThrows(Full.class, () -> store.put(entry("c", 1, T0, "op"), LINE, two));
    assertTrue(count.getMessage().contains("at most 2 discoveries"), count.getMessage());
    // a replacement counts instead of the old one: 40 + 60 fits, 40 + 61 does not
    assertFalse(store.put(entry("b", 60, T0.plusSeconds(1), "op2"), LINE + LINE, two));
    var bytes = assertThrows(Full.class, () -> store.put(entry("a", 41, T0, "op3"), "x", two));
    assertTrue(bytes.getMessage().contains("101 bytes"), bytes.getMessage());
    // the refused replacement's delete was rolled back
    FabricDiscoveryStore.Stored a = store.get("a").orElseThrow();
    assertEquals(LINE, a.text());
    assertEquals("op", a.entry().uploadedBy());
    assertEquals(List.of("a", "b"), store.list().stream().map(Entry::name).toList());
  }

  /** Random puts and deletes against a plain map that applies the same rule. */
  @Test
  void generatedPutsKeepWithinTheLimits() {
    Random random = new Random(20261206);
    for (int round = 0; round < 5; round++) {
      store.list().forEach(e -> store.delete(e.name()));
      var limits = new FabricDiscoveryStore.Limits(1 + random.nextInt(4), 1 + random.nextInt(300));
      Map<String, Integer> model = new TreeMap<>();
      for (int step = 0; step < 40; step++) {
        String name = "n" + random.nextInt(6);
        if (random.nextInt(5) == 0) {
          assertEquals(model.remove(name) != null, store.delete(name));
          continue;
        }
        int size = random.nextInt(120);
        Map<String, Integer> after = new TreeMap<>(model);
        after.put(name, size);
        boolean fits =
            after.size() <= limits.count()
                && after.values().stream().mapToLong(Integer::longValue).sum() <= limits.bytes();
        try {
          boolean created = store.put(entry(name, size, T0, "op"), LINE, limits);
          assertTrue(fits, "stored past " + limits + ": " + after);
          assertEquals(!model.containsKey(name), created);
          model = after;
        } catch (Full e) {
          assertFalse(fits, "refused within " + limits + ": " + after);
        }
        Map<String, Integer> stored = new TreeMap<>();
        store.list().forEach(e -> stored.put(e.name(), e.bytes()));
        assertEquals(model, stored);
      }
    }
  }
}
