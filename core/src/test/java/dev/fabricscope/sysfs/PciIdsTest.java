package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link PciIds} reads device lines only under the vendors looked up. Held to every entry of the
 * bundled database, read line by line the plain way (a map of every vendor, device and subclass
 * name), and to names lspci prints for real machines of the fixtures.
 */
class PciIdsTest {

  /** Every vendor, device and subclass line of pci.ids, read the plain way. */
  private record Plain(
      Map<Integer, String> vendors, Map<Integer, String> devices, Map<String, Integer> classes) {}

  private static byte[] bundledBytes() throws IOException {
    try (InputStream in =
        new GZIPInputStream(
            PciIds.class.getResourceAsStream("/dev/fabricscope/sysfs/pci.ids.gz"))) {
      return in.readAllBytes();
    }
  }

  private static Plain plain(byte[] db) throws IOException {
    Map<Integer, String> vendors = new HashMap<>();
    Map<Integer, String> devices = new HashMap<>();
    Map<String, Integer> classes = new HashMap<>();
    BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(db), StandardCharsets.UTF_8));
    int vendor = -1;
    int base = -1;
    for (String line; (line = r.readLine()) != null; ) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("C ")) {
        base = Integer.parseInt(line.substring(2, 4), 16);
      } else if (base >= 0) {
        if (line.matches("\t[0-9a-f]{2} .*")) {
          int sub = Integer.parseInt(line.substring(1, 3), 16);
          classes.merge(line.substring(3).trim(), (base << 8) | sub, (a, b) -> -1);
        }
      } else if (line.matches("[0-9a-f]{4} .*")) {
        vendor = Integer.parseInt(line.substring(0, 4), 16);
        vendors.put(vendor, line.substring(4).trim());
      } else if (line.matches("\t[0-9a-f]{4} .*")) {
        devices.put(
            (vendor << 16) | Integer.parseInt(line.substring(1, 5), 16), line.substring(5).trim());
      }
    }
    return new Plain(vendors, devices, classes);
  }

  @Test
  void everyEntryOfTheBundledDatabase() throws IOException {
    byte[] db = bundledBytes();
    Plain want = plain(db);
    PciIds ids = PciIds.parse(new ByteArrayInputStream(db), "test");
    assertTrue(want.vendors().size() > 2000, "vendors: " + want.vendors().size());
    assertTrue(want.devices().size() > 15000, "devices: " + want.devices().size());
    want.vendors().forEach((id, name) -> assertEquals(name, ids.vendor(id), "vendor " + id));
    want.devices()
        .forEach(
            (key, name) ->
                assertEquals(name, ids.device(key >>> 16, key & 0xffff), "device " + key));
    want.classes().forEach((name, c) -> assertEquals((int) c, ids.classByName(name), name));
    // the reverse lookups the lspci importer uses
    want.devices().entrySet().stream()
        .limit(500)
        .forEach(
            e -> {
              int id = ids.deviceByName(e.getKey() >>> 16, e.getValue());
              assertTrue(id == (e.getKey() & 0xffff) || id == -1, e.getValue());
            });
  }

  @Test
  void idsNotInTheDatabaseAreNull() throws IOException {
    byte[] db = bundledBytes();
    Plain want = plain(db);
    PciIds ids = PciIds.parse(new ByteArrayInputStream(db), "test");
    assertRandomIds(want, ids, 11);
  }

  /**
   * Lookups bisect the file, which pci.ids keeps in order; a file out of order (vendor blocks and
   * the devices in each shuffled, as a hand-edited copy could be) still answers every entry.
   */
  @Test
  void aDatabaseOutOfOrderAnswersEveryEntry() throws IOException {
    byte[] db = bundledBytes();
    Plain want = plain(db);
    byte[] shuffled = shuffled(new String(db, StandardCharsets.UTF_8), new Random(7));
    assertEquals(want, plain(shuffled));
    PciIds ids = PciIds.parse(new ByteArrayInputStream(shuffled), "shuffled");
    want.vendors().forEach((id, name) -> assertEquals(name, ids.vendor(id), "vendor " + id));
    want.devices()
        .forEach(
            (key, name) ->
                assertEquals(name, ids.device(key >>> 16, key & 0xffff), "device " + key));
    assertRandomIds(want, ids, 13);
  }

  /** 20,000 random vendor and device ids: the names the plain reading has, or null. */
  private static void assertRandomIds(Plain want, PciIds ids, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      int v = random.nextInt(0x10000);
      int d = random.nextInt(0x10000);
      assertEquals(want.vendors().get(v), ids.vendor(v), "vendor " + v);
      assertEquals(want.devices().get((v << 16) | d), ids.device(v, d), v + ":" + d);
    }
  }

  /** The vendor blocks in random order, and in each the devices (with their subsystem lines). */
  private static byte[] shuffled(String db, Random random) {
    int classes = db.indexOf("\nC ");
    List<List<List<String>>> vendors = new ArrayList<>();
    StringBuilder head = new StringBuilder();
    for (String line : db.substring(0, classes + 1).split("\n")) {
      if (line.matches("[0-9a-f]{4} .*")) {
        vendors.add(new ArrayList<>(List.of(new ArrayList<>(List.of(line)))));
      } else if (vendors.isEmpty()) {
        head.append(line).append('\n');
      } else if (line.matches("\t[0-9a-f]{4} .*")) {
        vendors.get(vendors.size() - 1).add(new ArrayList<>(List.of(line)));
      } else {
        List<List<String>> v = vendors.get(vendors.size() - 1);
        v.get(v.size() - 1).add(line); // subsystem lines and comments stay with their device
      }
    }
    Collections.shuffle(vendors, random);
    StringBuilder out = new StringBuilder(head);
    for (List<List<String>> v : vendors) {
      List<List<String>> devices = v.subList(1, v.size());
      Collections.shuffle(devices, random);
      v.forEach(group -> group.forEach(l -> out.append(l).append('\n')));
    }
    return out.append(db.substring(classes + 1)).toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void namesLspciPrintsForRealMachines() {
    PciIds ids = PciIds.bundled();
    assertEquals("NVIDIA Corporation", ids.vendor(0x10de));
    assertEquals("Mellanox Technologies", ids.vendor(0x15b3));
    // as lspci names them on machines of the fixtures
    // lspci -tvnn of fixtures/sysfs: "NVIDIA Corporation GP100GL [Tesla P100 PCIe 16GB]
    // [10de:15f8]"
    assertEquals("GP100GL [Tesla P100 PCIe 16GB]", ids.device(0x10de, 0x15f8));
    assertEquals("5500 I/O Hub to ESI Port", ids.device(0x8086, 0x3403));
    assertEquals("MT28908 Family [ConnectX-6]", ids.device(0x15b3, 0x101b));
    assertEquals(0x0302, ids.classByName("3D controller"));
    assertEquals(0x0207, ids.classByName("Infiniband controller"));
    assertNull(ids.device(0x10de, 0xfffe));
  }

  @Test
  void brokenAndEmptyDatabasesAnswerNull() throws IOException {
    for (String db :
        new String[] {
          "", "\n\n", "# only a comment\n", "10de", "10de  NVIDIA\n\tzz  broken\n", "C 0\n\t0\n"
        }) {
      PciIds ids = PciIds.parse(new ByteArrayInputStream(db.getBytes(StandardCharsets.UTF_8)), "t");
      assertNull(ids.device(0x10de, 0x1db8), db);
      assertEquals(-1, ids.classByName("3D controller"), db);
    }
  }
}
