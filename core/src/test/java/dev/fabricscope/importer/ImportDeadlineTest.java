package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every import format keeps a {@link ParseDeadline} (ninth security review, finding 2): each one
 * checks it often while it reads (at least once per lspci line, hwloc object and archive entry),
 * and a deadline that passes at any of its checks ends the import with {@link
 * ParseDeadline.ExceededException}, never another error or a report, and leaves no unpacked tree.
 * The deadlines run on a clock that moves one nanosecond per read, so which check ends the import
 * is chosen, not raced.
 */
class ImportDeadlineTest {

  /** An input, and how many checks its import must pass at least. */
  record Input(String what, Path file, int leastChecks) {}

  static Path work;
  static ArchiveExtractor.Unpacked folder;

  @BeforeAll
  static void unpackAFolderAndWriteAReport() throws Exception {
    work = Files.createTempDirectory("fabricscope-deadline-test-");
    folder = ArchiveExtractor.extract(Fixtures.sysfs("ghw-linux-amd64-accel.tar.gz"));
    Report dgx2 = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    Files.writeString(work.resolve("dgx2.json"), ReportJson.write(dgx2));
    // a pasted lspci: the tree, then the -vvv blocks
    Path host = Fixtures.root().resolve("gpu-hosts");
    Files.writeString(
        work.resolve("h200.lspci.txt"),
        Files.readString(host.resolve("h200-passthrough.lspci-tvnn.txt"))
            + Files.readString(host.resolve("h200-passthrough.lspci-vvvnn.txt")));
  }

  @AfterAll
  static void removeWork() {
    if (folder != null) {
      folder.close();
    }
    ArchiveExtractor.deleteTree(work);
  }

  static List<Input> inputs() throws IOException {
    Path root = Fixtures.root();
    Path lspci = work.resolve("h200.lspci.txt");
    Path hwloc = root.resolve("hwloc-xml/nvidiaDGX2.xml");
    return List.of(
        new Input("lspci -tvnn and -vvvnn text", lspci, (int) Files.readAllLines(lspci).size()),
        new Input("hwloc XML", hwloc, count(Files.readString(hwloc), "<object ")),
        new Input("NCCL XML", root.resolve("nccl-xml/aws-p5.48xl-topo.xml"), 1),
        new Input("sysfs archive", Fixtures.sysfs("ghw-linux-amd64-accel.tar.gz"), 1),
        new Input("sysfs archive (bzip2)", Fixtures.sysfs("hwloc-gather-debian12-vm.tar.bz2"), 1),
        new Input("sysfs folder", folder.sysfsRoot().root(), 1),
        new Input("report JSON", work.resolve("dgx2.json"), 1));
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** A clock that moves one nanosecond each time it is read, counting its reads. */
  static final class Ticks {
    final AtomicLong reads = new AtomicLong();

    long now() {
      return reads.getAndIncrement();
    }
  }

  static Report load(Input in, Path temps) throws ImportException {
    return Importers.load(in.file(), in.what(), temps);
  }

  @TestFactory
  Stream<DynamicTest> everyFormatChecksItsDeadlineOftenAndEndsAtAnyCheck() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    Random random = new Random(20261207);
    for (Input in : inputs()) {
      tests.add(
          DynamicTest.dynamicTest(
              in.what(),
              () -> {
                Path temps = Files.createTempDirectory(work, "temps-");
                Report plain = load(in, temps);
                Ticks ticks = new Ticks();
                Report timed =
                    ParseDeadline.within(Duration.ofDays(1), ticks::now, () -> load(in, temps));
                long checks = ticks.reads.get() - 1;
                assertEquals(
                    ReportJson.write(plain),
                    ReportJson.write(timed),
                    "a deadline not reached changes nothing");
                assertTrue(
                    checks >= in.leastChecks() && checks >= 2,
                    in.what() + ": " + checks + " checks, fewer than " + in.leastChecks());
                // every check may be the one that ends it: the first, the last and 30 between
                List<Long> ends = new ArrayList<>(List.of(1L, checks));
                random.longs(30, 1, checks + 1).forEach(ends::add);
                for (long end : ends) {
                  Ticks t = new Ticks();
                  try {
                    ParseDeadline.within(Duration.ofNanos(end), t::now, () -> load(in, temps));
                    fail(in.what() + ": a deadline at check " + end + " of " + checks + " passed");
                  } catch (ParseDeadline.ExceededException expected) {
                    assertEquals(end + 1, t.reads.get(), "it ends at the check it was set for");
                  } catch (Exception other) {
                    throw new AssertionError(
                        in.what() + ": check " + end + " ended in " + other, other);
                  }
                  try (Stream<Path> left = Files.list(temps)) {
                    assertEquals(List.of(), left.toList(), "nothing unpacked is left");
                  }
                }
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> theDeadlineIsKeptOnTheRealClockToo() throws IOException {
    return inputs().stream()
        .map(
            in ->
                DynamicTest.dynamicTest(
                    in.what(),
                    () ->
                        assertThrows(
                            ParseDeadline.ExceededException.class,
                            () ->
                                ParseDeadline.within(
                                    Duration.ofNanos(1),
                                    () -> load(in, Files.createTempDirectory(work, "real-"))))));
  }
}
