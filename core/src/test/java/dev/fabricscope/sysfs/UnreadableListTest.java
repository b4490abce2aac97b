package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gathered tree reports the files its host could not read, with the host's reason. */
class UnreadableListTest {

  @TempDir Path root;

  private static final String CONFIG = "/sys/bus/pci/devices/0000:00:01.0/config";

  private void list(String text) throws IOException {
    Files.writeString(root.resolve(SysfsRoot.UNREADABLE_FILE.substring(1)), text);
  }

  @Test
  void aListedFileReadsAsItsHostsReasonEvenWhereTheTreeHasIt() throws IOException {
    Path dir = root.resolve(CONFIG.substring(1)).getParent();
    Files.createDirectories(dir);
    Files.write(dir.resolve("config"), new byte[64]);
    Files.writeString(dir.resolve("vendor"), "0x10de\n");
    list(CONFIG + "\tpermission denied\n");

    SysfsRoot fs = new SysfsRoot(root, false, Map.of());
    assertEquals("permission denied", fs.bytes(CONFIG).problem());
    assertEquals("permission denied", fs.dir(dir(CONFIG)).text("config").problem());
    assertEquals("0x10de", fs.text("/sys/bus/pci/devices/0000:00:01.0/vendor").value());
  }

  @Test
  void linesOfAnotherShapeAreLeftOut() throws IOException {
    list(
        "no tab here\n\tno path\nrelative/path\tmissing\n"
            + CONFIG
            + "\tread error: Input/output error\n");
    Map<String, String> m = UnreadableList.load(root);
    assertEquals(Map.of(CONFIG, "read error: Input/output error"), m);
  }

  @Test
  void aListThatIsALinkOrAbsentCountsAsEmpty() throws IOException {
    assertTrue(UnreadableList.load(root).isEmpty());
    Path real = Files.writeString(root.resolve("elsewhere.tsv"), CONFIG + "\tmissing\n");
    Files.createSymbolicLink(root.resolve(SysfsRoot.UNREADABLE_FILE.substring(1)), real);
    assertTrue(UnreadableList.load(root).isEmpty());
  }

  @Test
  void theLiveSystemReadsNoList() throws IOException {
    list(CONFIG + "\tpermission denied\n");
    SysfsRoot live = new SysfsRoot(root, true, Map.of());
    assertEquals("missing", live.bytes(CONFIG).problem());
  }

  @Test
  void reasonsKeepTheirBytes() throws IOException {
    Files.write(
        root.resolve(SysfsRoot.UNREADABLE_FILE.substring(1)),
        (CONFIG + "\tread error: gerät antwortet nicht\tx\n").getBytes(StandardCharsets.UTF_8));
    assertEquals("read error: gerät antwortet nicht\tx", UnreadableList.load(root).get(CONFIG));
  }

  private static String dir(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
