package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.cli.Cli;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of memory on {@code run}'s own thread is the service failing (exit 1, one line saying the
 * heap), not bad input (exit 2, "the input is too large", as for {@code topo}); the JVM-wide
 * handlers the command set are put back when it returns.
 */
class RunOutOfMemoryTest {

  @TempDir Path tmp;

  @Test
  void outOfMemoryInTheServiceIsAFailureNotBadInput() throws Exception {
    try (ArchiveExtractor.Unpacked tree =
        ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"))) {
      Path hostname = tree.root().resolve("proc/sys/kernel/hostname");
      Files.createDirectories(hostname.getParent());
      Files.writeString(hostname, "rig-iommu\n");
      Path token = Files.writeString(tmp.resolve("token"), "tok-oom\n");
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
      Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
      Consumer<String> notes = IsolatedCall.noteTo(line -> {});
      IsolatedCall.noteTo(notes);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          Cli.run(
              new String[] {
                "run",
                "--server",
                "http://127.0.0.1:9",
                "--token-file",
                token.toString(),
                "--fsroot",
                tree.root().toString(),
                "--spool",
                tmp.resolve("spool").toString()
              },
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              () -> {
                // the helpers are made after the first scan, the spool and the sender
                throw new OutOfMemoryError("Java heap space");
              });
      String log = err.toString(StandardCharsets.UTF_8);
      assertEquals(Cli.FAILED, code, log);
      String last = log.lines().reduce((a, b) -> b).orElse("");
      assertTrue(
          last.matches(
              "fabricscope-agent: run: out of memory \\(heap \\d+ MiB\\): stopping; give it more"
                  + " \\(JAVA_OPTS=-Xmx\\.\\.\\.\\)"),
          log);
      assertSame(handler, Thread.getDefaultUncaughtExceptionHandler());
      assertSame(notes, IsolatedCall.noteTo(notes));
    }
  }
}
