package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fabricscope.oracle.FabricArchives;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The discoveries folder ({@code %test.fabricscope.fabric.ibnetdiscover-dir}) with PlaFRIM's real
 * {@code ibnetdiscover -p} output: a file is parsed once and kept while its size and time stay the
 * same (the fabric page reads the folder on every view), parsed again when it changes, and a file
 * over 16 MiB is left out without being read.
 */
@QuarkusTest
class FabricServiceFolderTest {

  @Inject FabricService service;

  @Test
  void aFileIsParsedAgainOnlyWhenItChanges() throws Exception {
    Path extracted = Files.createTempDirectory("folder-cache");
    String text;
    try {
      Path src = FabricArchives.extract("plafrim", extracted);
      text = Files.readString(src.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"));
    } finally {
      dev.fabricscope.sysfs.ArchiveExtractor.deleteTree(extracted);
    }
    Path dir = Files.createDirectories(Path.of("target/test-ibnetdiscover"));
    String name = "zz-cache-" + System.nanoTime() + ".txt";
    Path file = dir.resolve(name);
    Path huge = dir.resolve("zz-huge-" + System.nanoTime() + ".txt");
    try {
      Files.writeString(file, text);
      IbNetDiscover.Discovery first = named(name);
      assertNotNull(first);
      assertEquals(125, first.links().size());
      assertSame(first, named(name), "unchanged: the parsed discovery is kept");

      // one CA line fewer, and a time a minute later: parsed again
      int cut = text.indexOf("\nCA   139");
      String shorter = text.substring(0, cut) + text.substring(text.indexOf('\n', cut + 1));
      Files.writeString(file, shorter, StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
      IbNetDiscover.Discovery second = named(name);
      assertNotSame(first, second);
      assertEquals(124, second.links().size());

      // a sparse file of 16 MiB + 1: left out (the log says why), never read into memory
      try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
        f.setLength(IbNetDiscoverText.MAX_CHARS + 1L);
      }
      assertNull(named(huge.getFileName().toString()));
      assertSame(second, named(name));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(huge);
    }
    assertNull(named(name), "a deleted file is gone from the next view");
  }

  private IbNetDiscover.Discovery named(String name) {
    return service.discoveries().stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElse(null);
  }
}
