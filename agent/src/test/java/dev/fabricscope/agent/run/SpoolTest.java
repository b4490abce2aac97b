package dev.fabricscope.agent.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;
  private final List<String> logged = new ArrayList<>();

  private Spool open(Spool.Bounds bounds) throws IOException {
    return Spool.open(dir, bounds, logged::add);
  }

  private static byte[] body(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(Spool s, Spool.Entry e) throws IOException {
    return new String(s.read(e), UTF_8);
  }

  /** Sends everything in the spool, oldest first, as the run loop does. */
  private static List<String> drain(Spool s) throws IOException {
    List<String> out = new ArrayList<>();
    while (s.oldest().isPresent()) {
      Spool.Entry e = s.oldest().get();
      out.add(text(s, e));
      s.delete(e);
    }
    return out;
  }

  @Test
  void sendsOldestFirstWithGrowingSequenceNumbers() throws IOException {
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      Spool.Entry a = s.add(body("a"));
      Spool.Entry b = s.add(body("bb"));
      Spool.Entry c = s.add(body("ccc"));
      assertTrue(a.seq() < b.seq() && b.seq() < c.seq());
      assertEquals(3, s.depth());
      assertEquals(6, s.bytes());
      assertEquals(c, s.newest().orElseThrow());
      assertEquals(List.of("a", "bb", "ccc"), drain(s));
      assertEquals(0, s.depth());
      assertEquals(0, s.bytes());
    }
  }

  @Test
  void survivesANewInstanceOnTheSameDirectory() throws IOException {
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      s.add(body("one"));
      s.add(body("two"));
      s.delete(s.oldest().orElseThrow());
      s.add(body("three"));
    }
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      assertEquals(2, s.depth());
      assertEquals(8, s.bytes());
      Spool.Entry four = s.add(body("four"));
      assertEquals(4, four.seq(), "numbering goes on after the newest left");
      assertEquals(List.of("two", "three", "four"), drain(s));
    }
  }

  @Test
  void sequenceOrderIsNumericNotByCreationTime() throws IOException {
    // a restored backup or clock step cannot reorder: only the names count
    Files.writeString(dir.resolve("0000000000000010.json"), "ten");
    Files.writeString(dir.resolve("0000000000000009.json"), "nine");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      s.add(body("eleven"));
      assertEquals(List.of("nine", "ten", "eleven"), drain(s));
    }
    assertTrue(Files.exists(dir.resolve("notes.txt")));
  }

  @Test
  void dropsTheOldestWhenTooManyFiles() throws IOException {
    try (Spool s = open(new Spool.Bounds(3, 1 << 20))) {
      for (int i = 1; i <= 5; i++) {
        s.add(body("r" + i));
      }
      assertEquals(3, s.depth());
      assertEquals(
          2L, logged.stream().filter(l -> l.contains("dropped oldest")).count(), logged.toString());
      assertTrue(logged.get(0).contains("seq=1"), logged.get(0));
      assertEquals(List.of("r3", "r4", "r5"), drain(s));
    }
  }

  @Test
  void dropsTheOldestWhenTooManyBytesButKeepsTheNewest() throws IOException {
    try (Spool s = open(new Spool.Bounds(100, 10))) {
      s.add(body("aaaa"));
      s.add(body("bbbb"));
      s.add(body("cccc")); // 12 > 10: aaaa goes
      assertEquals(8, s.bytes());
      s.add(body("a report larger than the bound"));
      assertEquals(1, s.depth(), "the newest is kept even alone above the bound");
      assertEquals(List.of("a report larger than the bound"), drain(s));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(".lock"), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void noPartialFileIsEverVisibleAndLeftoversAreRemoved() throws Exception {
    // a crash half-way through a write leaves only a dot-temp file, never a *.json
    Files.writeString(dir.resolve(".tmp-7"), "{\"half");
    byte[] big = new byte[4 << 20];
    java.util.Arrays.fill(big, (byte) 'x');
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      assertTrue(Files.notExists(dir.resolve(".tmp-7")), "leftover removed on open");
      AtomicBoolean done = new AtomicBoolean();
      List<String> seen = new ArrayList<>();
      Thread watcher =
          new Thread(
              () -> {
                while (!done.get()) {
                  try (Stream<Path> files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                      if (p.getFileName().toString().endsWith(".json")) {
                        long size = Files.size(p);
                        if (size != big.length) {
                          seen.add(p + " " + size);
                        }
                      }
                    }
                  } catch (IOException e) {
                    // a file renamed or deleted between list and size: fine
                  }
                }
              });
      watcher.start();
      for (int i = 0; i < 20; i++) {
        Spool.Entry e = s.add(big);
        s.delete(e);
      }
      done.set(true);
      watcher.join();
      assertEquals(List.of(), seen, "a *.json file was seen before it was complete");
      Spool.Entry e = s.add(body("whole"));
      assertEquals("whole", text(s, e));
    }
  }

  @Test
  void parkedReportsLeaveTheQueueAndAreBounded() throws IOException {
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      for (int i = 0; i < Spool.KEEP_REJECTED + 5; i++) {
        s.park(s.add(body("bad" + i)));
      }
      s.add(body("good"));
      assertEquals(1, s.depth());
      try (Stream<Path> parked = Files.list(dir.resolve("rejected"))) {
        List<String> names = parked.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(Spool.KEEP_REJECTED, names.size());
        assertEquals("0000000000000025.json", names.get(names.size() - 1), "newest kept");
      }
      assertArrayEquals(body("good"), s.read(s.oldest().orElseThrow()));
    }
  }

  @Test
  void twoAgentsCannotShareASpool() throws IOException {
    try (Spool s = open(Spool.Bounds.DEFAULT)) {
      IOException e = assertThrows(IOException.class, () -> open(Spool.Bounds.DEFAULT));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }
    open(Spool.Bounds.DEFAULT).close(); // released on close
  }
}
