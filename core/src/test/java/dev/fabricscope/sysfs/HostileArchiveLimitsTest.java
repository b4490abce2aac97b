package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.RawTar;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small archives that once cost gigabytes or minutes (security review: implied folders, long name
 * and PAX headers read whole, quadratic link resolution) are refused in well under a second, with
 * one readable line, and leave no unpack folder behind. Each case ran out of a 1 GiB heap or took
 * minutes before the fix; the time limit stands for the heap, which a test cannot bound.
 */
class HostileArchiveLimitsTest {

  private static final Duration QUICK = Duration.ofSeconds(5);

  @TempDir Path tmp;
  private Path base;

  @BeforeEach
  void privateUnpackFolder(@TempDir Path base) {
    this.base = base;
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(p -> p.getFileName().toString().startsWith("fabricscope-fsroot-")).toList();
    }
  }

  private void assertRefusedQuickly(Path archive, String messagePart) throws IOException {
    var e =
        assertTimeoutPreemptively(
            QUICK,
            () ->
                assertThrows(
                    ArchiveExtractor.ArchiveException.class,
                    () ->
                        ArchiveExtractor.extract(archive, ArchiveExtractor.Limits.DEFAULT, base)));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().length() < 300, "short: " + e.getMessage());
    assertEquals(List.of(), leftovers(), "the temporary directory must be removed");
  }

  // defect 1: implied folders

  @Test
  void theReportedDeepFolderArchiveIsRefusedByDepth() throws IOException {
    Path a = HostileArchives.deepFolders(tmp.resolve("deep.tgz"), 300, 2040, 1);
    assertRefusedQuickly(a, "deeper than " + ArchivePlan.MAX_DEPTH);
  }

  @Test
  void impliedFoldersCountAgainstTheEntryLimit() throws IOException {
    // 1,000 entries, but 1,000 × 121 planned folders
    Path a = HostileArchives.deepFolders(tmp.resolve("wide.tgz"), 1000, 120, 1);
    assertRefusedQuickly(a, "folders implied by names included");
  }

  @Test
  void plannedNameCharactersAreBounded() throws IOException {
    // 1,300 names of ~3,800 characters, 15 levels each: 21,000 folders, 39 million characters
    Path a = HostileArchives.deepFolders(tmp.resolve("long.tgz"), 1300, 15, 250);
    assertRefusedQuickly(a, "characters");
  }

  @Test
  void anErrorStillRemovesTheUnpackFolder() throws IOException {
    // an archive whose every use throws OutOfMemoryError, as the implied folders once did
    Path oom =
        (Path)
            Proxy.newProxyInstance(
                Path.class.getClassLoader(),
                new Class<?>[] {Path.class},
                (p, m, args) -> {
                  throw new OutOfMemoryError("simulated");
                });
    assertThrows(
        OutOfMemoryError.class,
        () -> ArchiveExtractor.extract(oom, ArchiveExtractor.Limits.DEFAULT, base));
    assertEquals(List.of(), leftovers(), "the temporary directory must be removed");
  }

  // defect 2: long name and PAX headers read whole

  @Test
  void theReportedLongNameOf600MegabytesIsRefusedBeforeItIsRead() throws IOException {
    Path a = HostileArchives.extensionBomb(tmp.resolve("longname.tgz"), 'L', 600L << 20);
    assertRefusedQuickly(a, "a GNU long name of 629145600 bytes");
  }

  @Test
  void everyKindOfExtensionHeaderIsCapped() throws IOException {
    String[][] cases = {
      {"K", "a GNU long link target of"}, {"x", "a PAX header of"}, {"g", "a global PAX header of"},
    };
    for (String[] c : cases) {
      Path a = HostileArchives.extensionBomb(tmp.resolve("ext.tgz"), c[0].charAt(0), 64L << 20);
      assertRefusedQuickly(a, c[1]);
    }
  }

  @Test
  void aBase256SizeIsReadAndRefused() throws IOException {
    // 1 TiB declared in GNU base-256, no data behind it: refused by its size, not by truncation
    Path a = tmp.resolve("b256.tgz");
    byte[] huge = RawTar.header("././@LongLink", 'L', 1L << 40);
    try (RawTar tar = RawTar.gzip(a)) {
      tar.entry("sys/", '5', new byte[0]);
      tar.raw(huge);
    }
    assertRefusedQuickly(a, "of 1099511627776 bytes");
  }

  @Test
  void globalPaxHeadersAreCappedInAll() throws IOException {
    Path a = tmp.resolve("globals.tgz");
    String value = "v".repeat(600);
    try (RawTar tar = RawTar.gzip(a)) {
      tar.entry("sys/", '5', new byte[0]);
      tar.entry("g1", 'g', RawTar.paxRecords("comment=" + value));
      tar.entry("sys/a", '0', new byte[0]);
      tar.entry("g2", 'g', RawTar.paxRecords("comment=" + value));
      tar.entry("sys/b", '0', new byte[0]);
    }
    assertRefusedQuickly(a, "global PAX headers of more than");
  }

  @Test
  void chainsOfExtensionHeadersAreRefused() throws IOException {
    // commons-compress reads each by recursion: 20,000 in a row overflowed the stack
    for (int n : new int[] {GuardedTarInputStream.MAX_EXTENSION_CHAIN + 1, 20_000}) {
      Path a = HostileArchives.longNameChain(tmp.resolve("chain.tgz"), n);
      assertRefusedQuickly(a, "extension headers in a row");
    }
    // as many as the bound still read (commons-compress applies them inside out: the first wins)
    int n = GuardedTarInputStream.MAX_EXTENSION_CHAIN;
    Path a = HostileArchives.longNameChain(tmp.resolve("chain-ok.tgz"), n);
    try (var u = ArchiveExtractor.extract(a, ArchiveExtractor.Limits.DEFAULT, base)) {
      assertTrue(u.sysfsRoot().exists("/sys/name0"));
    }
  }

  @Test
  void sparseMapsAreRefusedBeforeTheyAreRead() throws IOException {
    Path pax = tmp.resolve("pax-sparse.tgz");
    byte[] map = ("2000000\n" + "0\n1\n".repeat(2_000_000)).getBytes(StandardCharsets.US_ASCII);
    try (RawTar tar = RawTar.gzip(pax)) {
      tar.entry("sys/", '5', new byte[0]);
      tar.entry(
          "x",
          'x',
          RawTar.paxRecords(
              "GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.realsize=2000000"));
      tar.entry("sys/f", '0', map);
    }
    assertRefusedQuickly(pax, "sparse file");
    Path old = tmp.resolve("old-sparse.tgz");
    try (RawTar tar = RawTar.gzip(old)) {
      tar.entry("sys/", '5', new byte[0]);
      tar.oldGnuSparse("sys/s", 200_000);
    }
    assertRefusedQuickly(old, "sparse file sys/s");
  }

  @Test
  void linkTargetsLongerThanPathMaxAreRefused() throws IOException {
    Path a = HostileArchives.paxWithSysfs(tmp.resolve("l4097.tgz"), "l:sys/l->" + "a".repeat(4097));
    assertRefusedQuickly(a, "target longer than 4096");
  }

  // defect 3: quadratic link resolution

  @Test
  void theReportedLinkOf200000CharactersIsRefused() throws IOException {
    // as GNU tar writes it (a long link header), and as a PAX linkpath record: the header cap
    // refuses both before the text is read; texts that pass it stop at PATH_MAX in the plan
    String text = "a/".repeat(100_000);
    Path gnu = tmp.resolve("gnu.tgz");
    try (RawTar tar = RawTar.gzip(gnu)) {
      tar.entry("sys/", '5', new byte[0]);
      tar.entry("././@LongLink", 'K', (text + "\0").getBytes(StandardCharsets.US_ASCII));
      tar.entry("sys/l", '2', new byte[0]);
    }
    assertRefusedQuickly(gnu, "a GNU long link target of 200001 bytes");
    Path pax = HostileArchives.paxWithSysfs(tmp.resolve("pax.tgz"), "l:sys/l->" + text);
    assertRefusedQuickly(pax, "a PAX header of 200017 bytes");
  }

  @Test
  void linksUnderTheCapThatCostTooMuchExhaustTheBudget() throws IOException {
    // a folder path of ~3,800 characters, and 3,000 links in it that each look up that path 800
    // times and then follow the next link, 40 times: ~360 billion characters hashed unbounded
    String comp = "d".repeat(250);
    String deep = "sys/" + String.join("/", Collections.nCopies(15, comp));
    List<String> entries = new ArrayList<>(List.of("d:" + deep + "/c"));
    String walk = "c/../".repeat(790);
    for (int i = 0; i < 3000; i++) {
      entries.add("l:" + deep + "/l" + i + "->" + walk + "l" + (i + 1));
    }
    Path a =
        HostileArchives.paxWithSysfs(tmp.resolve("budget.tgz"), entries.toArray(String[]::new));
    assertRefusedQuickly(a, "steps to resolve");
  }

  @Test
  void deepButReasonableLinksStillResolve() throws IOException {
    String deep = "sys/" + "d/".repeat(100) + "e";
    Path a =
        HostileArchives.paxWithSysfs(
            tmp.resolve("ok.tgz"),
            "d:" + deep,
            "l:" + deep + "/up->" + "../".repeat(101) + "bus",
            "l:sys/down->" + "d/".repeat(100) + "e/up/pci",
            "l:sys/long->" + "./".repeat(2040) + "bus");
    var u =
        assertTimeoutPreemptively(
            QUICK, () -> ArchiveExtractor.extract(a, ArchiveExtractor.Limits.DEFAULT, base));
    try (u) {
      SysfsRoot root = u.sysfsRoot();
      assertTrue(root.isDirectory("/sys/down/devices"));
      assertTrue(root.isDirectory("/sys/long/pci"));
    }
  }
}
