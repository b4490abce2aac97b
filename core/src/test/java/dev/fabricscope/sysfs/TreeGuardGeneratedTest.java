package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.testing.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated trees for {@link TreeGuard} (sixteenth security review, finding 1): random folders,
 * each root's or another user's (when the test runs as root) with random modes, random links placed
 * inside the tree and leaving it for another user's folder, and a random folder above. The tree is
 * refused exactly when a folder in it is another user's or writable by group or others, or the
 * folder above is another user's or shared without the sticky bit; links never decide. A tree that
 * is read still follows links only while they stay inside it (the README's promise).
 */
class TreeGuardGeneratedTest {

  private static final String[] MODES = {"0755", "0700", "0775", "0757", "0777", "1777", "0711"};

  @TempDir Path tmp;

  @Test
  void refusedExactlyWhenAFolderIsUnsafe() throws IOException {
    long self = FileOwners.effectiveUid();
    assumeTrue(self >= 0, "a uid to compare with (Linux)");
    FileModes.chmod(tmp, "0755");
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("config"), "SECRET");
    FileModes.chmod(outside, "0777");
    Random random = new Random(1616);
    int refused = 0;
    for (int i = 0; i < 120; i++) {
      Path above = Files.createDirectory(tmp.resolve("gen-" + i));
      Path top = Files.createDirectory(above.resolve("tree"));
      List<Path> folders = new ArrayList<>(List.of(top));
      int count = 1 + random.nextInt(8);
      for (int k = 0; k < count; k++) {
        Path parent = folders.get(random.nextInt(folders.size()));
        Path d = Files.createDirectory(parent.resolve("d" + k));
        Files.writeString(d.resolve("value"), "v" + k);
        folders.add(d);
      }
      // links: to another folder of the tree (relative, staying inside) or out to another user's
      int links = random.nextInt(4);
      for (int k = 0; k < links; k++) {
        Path from = folders.get(random.nextInt(folders.size()));
        Path to = random.nextBoolean() ? folders.get(random.nextInt(folders.size())) : outside;
        String text = from.relativize(to).toString();
        Files.createSymbolicLink(from.resolve("l" + k), Path.of(text.isEmpty() ? "." : text));
      }
      boolean safe = true;
      StringBuilder what = new StringBuilder();
      for (Path d : folders) {
        String mode = random.nextInt(3) == 0 ? MODES[random.nextInt(MODES.length)] : "0755";
        boolean other = self == 0 && random.nextInt(10) == 0;
        FileModes.chmod(d, mode);
        if (other) {
          FileModes.owner(d, TreeGuardTest.NOBODY);
        }
        safe &= !other && (Integer.parseInt(mode, 8) & 0022) == 0;
        what.append(top.relativize(d)).append(':').append(mode).append(other ? "/other " : " ");
      }
      String aboveMode = random.nextInt(4) == 0 ? MODES[random.nextInt(MODES.length)] : "0755";
      boolean aboveOther = self == 0 && random.nextInt(10) == 0;
      FileModes.chmod(above, aboveMode);
      if (aboveOther) {
        FileModes.owner(above, TreeGuardTest.NOBODY);
      }
      int bits = Integer.parseInt(aboveMode, 8);
      safe &= !aboveOther && ((bits & 0022) == 0 || (bits & 01000) != 0);
      what.append("above:").append(aboveMode).append(aboveOther ? "/other" : "");

      String why = TreeGuard.problem(top, self);
      assertEquals(safe, why == null, what + " -> " + why);
      if (why != null) {
        refused++;
        continue;
      }
      // read: links inside are followed, the one leaving is not, wherever it sits
      SysfsRoot root = SysfsRoot.of(top);
      for (Path d : folders) {
        for (int k = 0; k < 4; k++) {
          Path l = d.resolve("l" + k);
          if (!Files.isSymbolicLink(l)) {
            continue;
          }
          String host = "/" + top.relativize(l) + "/value";
          boolean leaves = Files.readSymbolicLink(l).toString().endsWith("outside");
          SysfsRoot.Read<String> r = root.text(host);
          if (leaves) {
            assertTrue(!r.ok() && r.problem().contains("leaves the root"), host + ": " + r);
          } else {
            assertTrue(r.ok() && r.value().startsWith("v") || !r.ok(), host + ": " + r);
          }
        }
      }
    }
    assertTrue(refused > 10 && refused < 110, "both outcomes generated: " + refused);
  }
}
