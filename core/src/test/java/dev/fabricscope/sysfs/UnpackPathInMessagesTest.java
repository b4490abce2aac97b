package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive refused after it was unpacked says where in the archive, never the unpack folder: the
 * server stores and shows import messages, and the folder is a path of its own (the ninth review
 * saw {@code /dev/shm/fabricscope-fsroot-…/sys} in a 422).
 */
class UnpackPathInMessagesTest {

  @TempDir Path tmp;

  @Test
  void aSysFolderWithoutSysfsInItIsRefusedWithoutTheUnpackPath() throws Exception {
    Path base = Files.createDirectories(tmp.resolve("unpack-base"));
    Path archive =
        Files.write(
            tmp.resolve("x.tar.gz"),
            ArchiveFormatTest.compressed(
                ArchiveFormatTest.tar("sys/kernel", "x".getBytes(StandardCharsets.UTF_8)), true));
    ImportException e =
        assertThrows(ImportException.class, () -> Importers.load(archive, "upload", base));
    assertEquals(
        "upload: not a sysfs tree: the archive's top/sys has none of bus/, class/, devices/",
        e.getMessage());
    assertFalse(e.getMessage().contains(base.toString()), e.getMessage());
    try (var left = Files.list(base)) {
      assertEquals(0, left.count(), "the unpacked tree is gone");
    }
  }
}
