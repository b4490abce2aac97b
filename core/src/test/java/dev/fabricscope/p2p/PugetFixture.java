package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oracles in one real machine's notes (fixtures/text/puget-threadripper-pro-wrx90.md:
 * Threadripper PRO 7965WX on WRX90, 2× RTX 6000 Ada, one dual-port ConnectX-7), parsed from the
 * file's own text: its {@code nvidia-smi topo -m} matrix, nvidia-smi's Bus-Id column, the NIC
 * legend, the lspci tree and the measured {@code p2pBandwidthLatencyTest}.
 */
final class PugetFixture {

  private PugetFixture() {}

  static final String FILE = "puget-threadripper-pro-wrx90.md";

  static Path file() {
    Path f = Fixtures.root().resolve("text").resolve(FILE);
    assertTrue(Files.isRegularFile(f), "fixture missing: " + f);
    return f;
  }

  static String text() throws Exception {
    return Files.readString(file(), StandardCharsets.UTF_8);
  }

  /** The fenced block that starts with the line containing {@code command}. */
  static List<String> block(String text, String command) {
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(command)) {
        List<String> out = new ArrayList<>();
        for (int j = i + 1; j < lines.length && !lines[j].startsWith("```"); j++) {
          out.add(lines[j]);
        }
        return out;
      }
    }
    throw new AssertionError(FILE + " has no block for " + command);
  }

  /** nvidia-smi topo -m: row name → (column name → label), GPUs and NICs only. */
  static Map<String, Map<String, String>> smiMatrix(String text) {
    List<String> b = block(text, "nvidia-smi topo -m");
    List<String> cols = new ArrayList<>();
    for (String t : b.get(0).trim().split("\\s+")) {
      if (t.matches("(GPU|NIC)\\d+")) {
        cols.add(t);
      }
    }
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    for (String line : b.subList(1, b.size())) {
      String[] t = line.trim().split("\\s+");
      if (line.isBlank()) {
        break;
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < cols.size(); c++) {
        row.put(cols.get(c), t[c + 1]);
      }
      m.put(t[0], row);
    }
    return m;
  }

  /** GPU index → BDF from nvidia-smi's own Bus-Id column ("| 0 NVIDIA ... | 00000000:C1:00.0"). */
  static Map<Integer, String> smiBusIds(String text) {
    Pattern p =
        Pattern.compile(
            "^\\|\\s+(\\d+)\\s+NVIDIA.*\\|\\s+([0-9A-Fa-f]{8}):([0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\\.\\d)\\s");
    Map<Integer, String> out = new TreeMap<>();
    for (String line : block(text, "$ sonata@dev-canyon1:~/stelline$ nvidia-smi")) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        // nvidia-smi prints an 8-digit domain; lspci and sysfs use 4
        out.put(
            Integer.parseInt(m.group(1)),
            m.group(2).substring(4).toLowerCase() + ":" + m.group(3).toLowerCase());
      }
    }
    return out;
  }

  /** The p2pBandwidthLatencyTest "P2P Connectivity Matrix": [i][j] = 1 when P2P was possible. */
  static int[][] connectivity(String text) {
    List<String> b = block(text, "./p2pBandwidthLatencyTest");
    int start = -1;
    for (int i = 0; i < b.size(); i++) {
      if (b.get(i).trim().equals("P2P Connectivity Matrix")) {
        start = i + 2; // skip the "D\D 0 1" header
      }
    }
    assertTrue(start > 0, "no P2P Connectivity Matrix in " + FILE);
    List<int[]> rows = new ArrayList<>();
    for (int i = start; i < b.size() && b.get(i).trim().matches("\\d+(\\s+\\d+)+"); i++) {
      String[] t = b.get(i).trim().split("\\s+");
      int[] r = new int[t.length - 1];
      for (int c = 1; c < t.length; c++) {
        r[c - 1] = Integer.parseInt(t[c]);
      }
      rows.add(r);
    }
    return rows.toArray(new int[0][]);
  }

  /** A measured bandwidth matrix cell, e.g. table "Unidirectional P2P=Enabled". */
  static double bandwidth(String text, String tableStart, int i, int j) {
    List<String> b = block(text, "./p2pBandwidthLatencyTest");
    for (int k = 0; k < b.size(); k++) {
      if (b.get(k).startsWith(tableStart)) {
        String[] t = b.get(k + 2 + i).trim().split("\\s+");
        return Double.parseDouble(t[1 + j]);
      }
    }
    throw new AssertionError("no table " + tableStart);
  }

  /**
   * NIC index → BDF: the NIC legend names mlx5_0, mlx5_1; ibv_devinfo shows both with one
   * sys_image_guid (one adapter, two PFs); the -vvv header names the ConnectX-7 at 21:00.0 and the
   * lspci -tv tree (parsed by the independent oracle parser) gives its sibling functions. mlx5
   * numbers PFs in probe (= BDF) order.
   */
  static List<String> nicBdfs(String text) {
    Matcher h =
        Pattern.compile(
                "(?m)^([0-9a-f]{2}:[0-9a-f]{2})\\.\\d Ethernet controller: Mellanox.*ConnectX-7")
            .matcher(text);
    assertTrue(h.find(), "no ConnectX-7 -vvv header");
    String busDev = h.group(1);
    String tree = String.join("\n", block(text, "lspci -tv"));
    List<String> out = new ArrayList<>();
    for (String bdf : LspciTreeParser.parse(tree).keySet()) {
      if (bdf.substring(bdf.indexOf(':') + 1).startsWith(busDev + ".")) {
        out.add(bdf);
      }
    }
    out.sort(null);
    return out;
  }

  static Map<String, String> smiNames(String text) throws Exception {
    Map<String, String> names = new LinkedHashMap<>();
    smiBusIds(text).forEach((i, bdf) -> names.put("GPU" + i, bdf));
    List<String> nics = nicBdfs(text);
    // the NIC legend says which mlx5 each NICn is
    Matcher leg = Pattern.compile("(?m)^\\s*NIC(\\d+): mlx5_(\\d+)\\s*$").matcher(text);
    while (leg.find()) {
      names.put("NIC" + leg.group(1), nics.get(Integer.parseInt(leg.group(2))));
    }
    return names;
  }
}
