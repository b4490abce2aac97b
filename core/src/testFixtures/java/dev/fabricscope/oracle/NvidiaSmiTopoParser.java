package dev.fabricscope.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code nvidia-smi topo -m} text as the driver prints it (tabs) or as users paste it
 * (spaces): the device columns, the affinity columns, each row's cells and affinity values, the
 * Legend lines and the NIC Legend. Written from nvidia-smi's output only, so that the same parser
 * reads both the real outputs in the fixtures and ours, and the two are compared field by field.
 */
public final class NvidiaSmiTopoParser {

  /**
   * One parsed output.
   *
   * @param devices the device columns in order (GPU0, ..., NIC0, ...)
   * @param affinityColumns the column names after the devices (CPU Affinity, NUMA Affinity, ...)
   * @param cells row label → the row's cells, one per device column (" X " read as X)
   * @param affinity row label → the values after the cells (empty for NIC rows)
   * @param legend the lines of the Legend block, trimmed, in order
   * @param nicLegend NIC label → RDMA device name, in order
   */
  public record Topo(
      List<String> devices,
      List<String> affinityColumns,
      Map<String, List<String>> cells,
      Map<String, List<String>> affinity,
      List<String> legend,
      Map<String, String> nicLegend) {}

  private static final Pattern DEVICE = Pattern.compile("(GPU|NIC)\\d+");
  private static final Pattern AFFINITY_NAME =
      Pattern.compile("CPU Affinity|NUMA Affinity|GPU NUMA ID");
  private static final Pattern NIC_LEGEND = Pattern.compile("^\\s*(NIC\\d+): (\\S+)\\s*$");

  private NvidiaSmiTopoParser() {}

  /**
   * Parses the first {@code topo -m} block in {@code text} (lines before its header are skipped).
   */
  public static Topo parse(String text) {
    String[] lines = text.split("\r?\n");
    int h = 0;
    while (h < lines.length && !isHeader(lines[h])) {
      h++;
    }
    if (h == lines.length) {
      throw new IllegalArgumentException("no nvidia-smi topo -m header line");
    }
    List<String> devices = new ArrayList<>();
    for (String t : lines[h].trim().split("\\s+")) {
      if (DEVICE.matcher(t).matches()) {
        devices.add(t);
      }
    }
    List<String> affinityColumns = new ArrayList<>();
    Matcher a = AFFINITY_NAME.matcher(lines[h]);
    while (a.find()) {
      affinityColumns.add(a.group());
    }
    Map<String, List<String>> cells = new LinkedHashMap<>();
    Map<String, List<String>> affinity = new LinkedHashMap<>();
    int i = h + 1;
    for (; i < lines.length && !lines[i].isBlank(); i++) {
      String[] t = lines[i].trim().split("\\s+");
      if (!DEVICE.matcher(t[0]).matches() || t.length < devices.size() + 1) {
        throw new IllegalArgumentException("not a matrix row: " + lines[i]);
      }
      cells.put(t[0], List.of(t).subList(1, devices.size() + 1));
      affinity.put(t[0], List.of(t).subList(devices.size() + 1, t.length));
    }
    List<String> legend = new ArrayList<>();
    Map<String, String> nicLegend = new LinkedHashMap<>();
    String block = "";
    for (; i < lines.length; i++) {
      String l = lines[i].trim();
      if (l.equals("Legend:") || l.equals("NIC Legend:")) {
        block = l;
      } else if (l.isEmpty() && block.equals("Legend:") && !legend.isEmpty()) {
        block = "";
      } else if (block.equals("Legend:") && !l.isEmpty()) {
        legend.add(l);
      } else if (block.equals("NIC Legend:")) {
        Matcher m = NIC_LEGEND.matcher(lines[i]);
        if (m.matches()) {
          nicLegend.put(m.group(1), m.group(2));
        } else if (!l.isEmpty()) {
          break; // the NIC legend ends at the first other line
        }
      }
    }
    return new Topo(devices, affinityColumns, cells, affinity, legend, nicLegend);
  }

  private static boolean isHeader(String line) {
    // the header is the one line that starts with blank space before GPU0 (or NIC0 on a host
    // without GPUs); rows start at the first column with their own label
    String t = line.trim();
    return !line.isEmpty()
        && Character.isWhitespace(line.charAt(0))
        && (t.startsWith("GPU0") || t.startsWith("NIC0"));
  }
}
