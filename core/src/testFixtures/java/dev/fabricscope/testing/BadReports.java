package dev.fabricscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.SyntheticHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Report JSON bodies every door must refuse (agent report, import, CLI {@code --input}), named by
 * what is wrong, each made from a valid synthetic report by one change; plus a generator of many
 * more. The security issue's finding 3 (imports skipped the checks) and 5 (deep JSON) in data.
 */
public final class BadReports {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BadReports() {}

  /**
   * The bodies of the on-disk corpus ({@code src/test/resources/bad-reports}, made by its {@code
   * make-corpus.py}; the root build's tests read it from the project root), sorted by name: every
   * file but the README and the script.
   */
  public static List<Path> corpusFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/bad-reports"))) {
      return files
          .filter(f -> !f.getFileName().toString().matches("README\\.md|make-corpus\\.py"))
          .sorted()
          .toList();
    }
  }

  /** A valid report of a host named {@code host}, as a tree to change. */
  public static ObjectNode valid(String host) {
    return (ObjectNode) tree(host);
  }

  private static JsonNode tree(String host) {
    try {
      return JSON.readTree(ReportJson.write(SyntheticHosts.nestedSwitches(host, 6)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The named cases, each with a different defect; {@code host} names the host in each. */
  public static Map<String, byte[]> cases(String host) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    ObjectNode r = valid(host);
    ArrayNode pci = (ArrayNode) r.get("pci");
    String first = pci.get(0).get("bdf").asText();
    String second = pci.get(1).get("bdf").asText();

    ObjectNode dup = r.deepCopy();
    ((ObjectNode) dup.get("pci").get(1)).put("bdf", first);
    out.put("duplicate BDF", bytes(dup));

    ObjectNode self = r.deepCopy();
    ((ObjectNode) self.get("pci").get(1)).put("parent", second);
    out.put("self parent", bytes(self));

    ObjectNode cycle = r.deepCopy();
    ((ObjectNode) cycle.get("pci").get(0)).put("parent", second);
    ((ObjectNode) cycle.get("pci").get(1)).put("parent", first);
    out.put("parent cycle", bytes(cycle));

    ObjectNode missing = r.deepCopy();
    ((ObjectNode) missing.get("pci").get(1)).put("parent", "0000:ee:1f.7");
    out.put("missing parent", bytes(missing));

    ObjectNode longString = r.deepCopy();
    ((ObjectNode) longString.get("host")).put("kernelCommandLine", "x".repeat(1 << 20));
    out.put("1 MB string", bytes(longString));

    ObjectNode numa = r.deepCopy();
    ((ObjectNode) numa.get("pci").get(0)).put("numaNode", -2);
    out.put("numaNode -2", bytes(numa));

    ObjectNode many = r.deepCopy();
    ArrayNode funcs = many.putArray("pci");
    ObjectNode template = (ObjectNode) pci.get(0);
    for (int i = 0; i < 20_001; i++) {
      ObjectNode f = template.deepCopy();
      f.put("bdf", String.format("%04x:%02x:%02x.%d", i >> 13, (i >> 5) & 0xff, i & 0x1f, 0));
      f.putNull("parent");
      funcs.add(f);
    }
    out.put("20,001 functions", bytes(many));

    out.put("100,000-deep JSON", deep(100_000));
    out.put("schema version 2", bytes(r.deepCopy().put("schemaVersion", 2)));
    out.put("unknown field", bytes(r.deepCopy().put("surprise", true)));
    return out;
  }

  /** {@code {"a":[[[[...]]]]}} nested {@code depth} deep: a parser without a bound overflows. */
  public static byte[] deep(int depth) {
    StringBuilder s = new StringBuilder("{\"schemaVersion\":1,\"host\":");
    s.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * {@code count} generated refusals from a seed: a random valid report with one random defect from
   * {@link #cases}' families at a random place (a duplicate, a dangling or cyclic parent, a value
   * of a wrong type, a negative count).
   */
  public static List<byte[]> generated(String host, int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    ObjectNode base = valid(host);
    int n = base.get("pci").size();
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ObjectNode r = base.deepCopy();
      ArrayNode pci = (ArrayNode) r.get("pci");
      ObjectNode f = (ObjectNode) pci.get(rnd.nextInt(n));
      String other = pci.get(rnd.nextInt(n)).get("bdf").asText();
      switch (rnd.nextInt(6)) {
        case 0 -> f.put("bdf", other.equals(f.get("bdf").asText()) ? "garbage" : other);
        case 1 -> f.put("parent", f.get("bdf").asText());
        case 2 -> f.put("parent", String.format("0000:%02x:00.%d", 0xe0 + rnd.nextInt(16), 0));
        case 3 -> f.put("numaNode", -2 - rnd.nextInt(1000));
        case 4 -> {
          if (rnd.nextBoolean()) {
            f.put("bdf", 7);
          } else {
            f.putNull("bdf");
          }
        }
        default -> {
          if (rnd.nextBoolean()) {
            r.put("schemaVersion", "1");
          } else {
            r.put("schemaVersion", 0);
          }
        }
      }
      out.add(bytes(r));
    }
    return out;
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
