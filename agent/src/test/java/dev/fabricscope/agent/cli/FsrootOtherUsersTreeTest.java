package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.sysfs.FileOwners;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root refuses a directory tree another user could change while it is read, as bad input: one line,
 * exit 2, and nothing read or archived (sixteenth security review, finding 1: {@code nobody}
 * swapped a device folder of its tree for a link to a root-only folder between the walk and the
 * open, and {@code gather} archived the root-only file).
 */
class FsrootOtherUsersTreeTest {

  @TempDir Path tmp;
  private Path tree;

  @BeforeEach
  void nobodysTree() throws Exception {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    tree = Files.createDirectory(tmp.resolve("tree"));
    Path dev = Files.createDirectories(tree.resolve("sys/devices/pci0000:00/0000:00:02.0"));
    Files.writeString(dev.resolve("vendor"), "0x8086");
    Files.setAttribute(dev, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
  }

  private record Ran(int code, String out, String err) {}

  private static Ran run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ran(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyCommandRefusesIt() {
    Path archive = tmp.resolve("out.tar.gz");
    for (List<String> args :
        List.of(
            List.of("collect", "--fsroot", tree.toString()),
            List.of("gather", "--fsroot", tree.toString(), "--output", archive.toString()),
            List.of("topo", "--input", tree.toString()))) {
      Ran r = run(args.toArray(String[]::new));
      assertEquals(2, r.code(), args + ": " + r.err());
      assertTrue(r.err().contains("belongs to uid 65534"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertEquals("", r.out(), args.toString());
    }
    assertFalse(Files.exists(archive), "nothing archived");
  }

  @Test
  void oncePutRightItIsRead() throws Exception {
    Files.setAttribute(
        tree.resolve("sys/devices/pci0000:00/0000:00:02.0"),
        "unix:uid",
        0,
        LinkOption.NOFOLLOW_LINKS);
    Ran r =
        run("gather", "--fsroot", tree.toString(), "--output", tmp.resolve("ok.tar.gz").toString());
    assertEquals(0, r.code(), r.err());
  }
}
