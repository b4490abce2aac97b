package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The real cluster archives in {@code fixtures/fabric/} ({@code CLUSTER.txz}: per-node {@code
 * hwloc/HOST.xml}, the fabric discovery's {@code netloc/IB-<prefix>-nodes.txt}, the raw {@code
 * ib-raw/} ibnetdiscover output), extracted with {@code tar}, and netloc's node lists read as the
 * oracle of the fabric grouping.
 */
public final class FabricArchives {

  private FabricArchives() {}

  /**
   * A node of a netloc node list.
   *
   * @param guid its node GUID, lower case
   * @param ca whether it is a channel adapter (type 0), not a switch
   * @param host the host name netloc gives it (the line's last field)
   */
  public record NetlocNode(String guid, boolean ca, String host) {}

  /**
   * One {@code IB-<prefix>-nodes.txt}.
   *
   * @param prefix the subnet prefix, e.g. {@code fe80:0000:0000:0000}
   * @param nodes its nodes in the file's order
   */
  public record NetlocNodes(String prefix, List<NetlocNode> nodes) {}

  /**
   * Extracts {@code fixtures/fabric/CLUSTER.txz} into {@code into}; returns {@code into/CLUSTER}.
   */
  public static Path extract(String cluster, Path into) throws IOException, InterruptedException {
    Path archive = Fixtures.root().resolve("fabric").resolve(cluster + ".txz");
    if (!Files.isRegularFile(archive)) {
      fail("fixture missing: " + archive);
    }
    Process p =
        // --no-same-owner: as root, tar would keep the archive's owners, and a tree of another
        // user's is one that root's own removal refuses to delete (TreeRemoval)
        new ProcessBuilder(
                "tar", "--no-same-owner", "-xJf", archive.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("tar " + archive + ": " + log);
    }
    return into.resolve(cluster);
  }

  /**
   * A netloc node list: the prefix on line 2, the node count on line 4, then one node a line
   * ({@code guid,...,type,...,host}).
   */
  public static NetlocNodes netlocNodes(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    int n = Integer.parseInt(lines.get(3).trim());
    List<NetlocNode> nodes = new ArrayList<>();
    for (String line : lines.subList(4, 4 + n)) {
      String[] f = line.split(",");
      nodes.add(
          new NetlocNode(
              f[0].trim().toLowerCase(Locale.ROOT),
              f[2].trim().equals("0"),
              f[f.length - 1].trim()));
    }
    return new NetlocNodes(lines.get(1).trim(), List.copyOf(nodes));
  }

  /** Every {@code *-nodes.txt} of an extracted archive's {@code netloc/}, sorted by file name. */
  public static List<NetlocNodes> netloc(Path netlocDir) throws IOException {
    List<NetlocNodes> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(netlocDir)) {
      for (Path f : s.filter(p -> p.toString().endsWith("-nodes.txt")).sorted().toList()) {
        out.add(netlocNodes(f));
      }
    }
    return out;
  }
}
