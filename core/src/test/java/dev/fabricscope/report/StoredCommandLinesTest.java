package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.sysfs.KernelCommandLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A stored report's command line redacted in place: the result reads as the same JSON with only
 * {@code host.kernelCommandLine} replaced by {@link KernelCommandLine#redact} (the oracle:
 * Jackson's tree of the original, changed at that one field), and every byte around the string is
 * the original's.
 */
class StoredCommandLinesTest {

  private static final ObjectMapper M = new ObjectMapper();

  static final String SECRET =
      "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt"
          + " netroot=iscsi:admin:S3cret@10.0.0.1::3260::iqn.x quiet";

  /** What the tree oracle says the redacted report is. */
  private static JsonNode expected(byte[] json) throws Exception {
    ObjectNode tree = (ObjectNode) M.readTree(json);
    ObjectNode host = (ObjectNode) tree.get("host");
    host.put("kernelCommandLine", KernelCommandLine.redact(host.get("kernelCommandLine").asText()));
    return tree;
  }

  @Test
  void aStoredCredentialIsRedactedAndNothingElseMoves() throws Exception {
    String json =
        "{\"schemaVersion\":1,\"host\":{\"name\":\"n1\",\"kernelCommandLine\":"
            + M.writeValueAsString(SECRET)
            + ",\"architecture\":\"x86_64\"},\"pci\":[]}";
    byte[] in = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = StoredCommandLines.redact(in).orElseThrow();
    String text = new String(out, StandardCharsets.UTF_8);
    assertFalse(text.contains("S3cret"), text);
    assertTrue(text.contains("intel_iommu=on iommu=pt"), text);
    assertEquals(expected(in), M.readTree(out));
    assertTrue(text.startsWith(json.substring(0, json.indexOf("BOOT_IMAGE") - 1)));
    assertTrue(text.endsWith(",\"architecture\":\"x86_64\"},\"pci\":[]}"));
    // once redacted, nothing more to do
    assertEquals(Optional.empty(), StoredCommandLines.redact(out));
  }

  @Test
  void reportsWithoutACommandLineAreLeftAlone() throws Exception {
    for (String json :
        List.of(
            "{\"pci\":[{\"kernelCommandLine\":\"root=/dev/x\"}]}",
            "{\"host\":{\"name\":\"a\"}}",
            "{\"host\":{\"kernelCommandLine\":null}}",
            "{\"host\":\"kernelCommandLine\"}",
            "[]")) {
      assertEquals(
          Optional.empty(), StoredCommandLines.redact(json.getBytes(StandardCharsets.UTF_8)), json);
    }
  }

  /**
   * Generated reports: command lines with quotes, backslashes, escapes, non-ASCII and control
   * characters, the host object anywhere among other fields (one of them carrying a
   * kernelCommandLine of its own one level down, which must stay).
   */
  @Test
  void generatedReportsMatchTheTreeOracle() throws Exception {
    Random random = new Random(20261207);
    String[] words = {
      "root=/dev/nvme0n1p2",
      "pci=realloc",
      "ip=dhcp",
      "token=abc\"def",
      "a\\b=c",
      "quiet",
      "é=ü",
      "x=\u0001y",
      "--",
      "init=/bin/sh",
      "\"spaced value=1 2\"",
      "iommu=pt",
      "rd.x=\ty"
    };
    int changed = 0;
    for (int i = 0; i < 400; i++) {
      List<String> cmd = new ArrayList<>();
      for (int w = random.nextInt(8); w > 0; w--) {
        cmd.add(words[random.nextInt(words.length)]);
      }
      String cmdline = String.join(" ", cmd);
      List<String> fields = new ArrayList<>();
      fields.add("\"schemaVersion\":1");
      fields.add("\"pci\":[{\"bdf\":\"0000:00:00.0\",\"kernelCommandLine\":\"root=/x\"}]");
      fields.add("\"other\":{\"host\":{\"kernelCommandLine\":\"ip=1\"}}");
      fields.add(
          "\"host\":{\"name\":\"h"
              + i
              + "\","
              + (random.nextBoolean() ? "\"kernelVersion\":\"6.8\"," : "")
              + "\"kernelCommandLine\":"
              + M.writeValueAsString(cmdline)
              + ",\"numaNodes\":[{\"id\":0}]}");
      Collections.shuffle(fields, random);
      byte[] in = ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8);
      Optional<byte[]> out = StoredCommandLines.redact(in);
      if (KernelCommandLine.redact(cmdline).equals(cmdline)) {
        assertEquals(Optional.empty(), out, cmdline);
        continue;
      }
      changed++;
      byte[] o = out.orElseThrow();
      assertEquals(expected(in), M.readTree(o), cmdline);
      // the bytes before the string and after it are the original's
      String literal = M.writeValueAsString(cmdline);
      int at = indexOf(in, ("\"kernelCommandLine\":" + literal).getBytes(StandardCharsets.UTF_8));
      int start = at + "\"kernelCommandLine\":".length();
      int tail = in.length - start - literal.getBytes(StandardCharsets.UTF_8).length;
      assertArrayEquals(
          java.util.Arrays.copyOf(in, start), java.util.Arrays.copyOf(o, start), cmdline);
      assertArrayEquals(
          java.util.Arrays.copyOfRange(in, in.length - tail, in.length),
          java.util.Arrays.copyOfRange(o, o.length - tail, o.length),
          cmdline);
    }
    assertTrue(changed > 100, "generated cases that needed redaction: " + changed);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
