package dev.fabricscope.bandwidth.tools;

import dev.fabricscope.bandwidth.tools.PerftestReport.Row;
import dev.fabricscope.bandwidth.tools.PerftestReport.Unit;
import dev.fabricscope.text.LinearText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text report of perftest's bandwidth tests, as printed by {@code print_report_bw} and
 * the header code of linux-rdma/perftest ({@code RESULT_FMT}, {@code RESULT_FMT_G}, {@code
 * REPORT_FMT} in {@code src/perftest_parameters.h}): a title line, {@code key : value} fields (two
 * per line, tab-separated, on some lines), the local and remote address with their GIDs as 16
 * decimal bytes, then the table {@code #bytes #iterations BW peak[UNIT] BW average[UNIT]
 * MsgRate[Mpps]}. The output is untrusted: anything that does not fit gives a {@link
 * ToolOutputException}, never a partial report.
 */
public final class PerftestParser {

  /** Longest output read; a bandwidth report is about 2 KB. */
  public static final int MAX_CHARS = 1 << 20;

  private static final Pattern TITLE = Pattern.compile("\\s*([A-Za-z_ ]{1,60} BW Test)\\s*");
  private static final Pattern FIELD =
      Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.* ]{0,30}?)\\s*:\\s*(\\S(?:.{0,80}\\S)?)\\s*");
  private static final Pattern GID_LINE =
      Pattern.compile("\\s*GID: ((?:[0-9]{1,3}:){15}[0-9]{1,3})\\s*");
  private static final Pattern TABLE_HEAD =
      Pattern.compile(
          "\\s*#bytes\\s+#iterations\\s+BW peak\\[(Gb|MB|MiB)/sec]\\s+"
              + "BW average\\[(Gb|MB|MiB)/sec]\\s+MsgRate\\[Mpps]\\s*");
  private static final Pattern WHOLE = Pattern.compile("[0-9]{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,15}(?:\\.[0-9]{1,15})?");
  private static final Pattern MTU = Pattern.compile("([0-9]{1,6})\\[B]");
  // found in a line without line terminators: what "(?i).*(words).*" with matches() said, but
  // that pattern rescanned the line's end from every word when a terminator stopped its .* (O(n²))
  private static final Pattern ERROR_HINT =
      Pattern.compile(
          "(?i)couldn't|could not|unable|not found|failed|error|no such|invalid|refused|cannot");

  private PerftestParser() {}

  /**
   * Parses one run's output (stdout and stderr together are fine).
   *
   * @param tool the program name for messages ({@code ib_write_bw})
   * @throws ToolOutputException when there is no complete result table, with perftest's own error
   *     line when it printed one
   */
  public static PerftestReport parse(String tool, String output) throws ToolOutputException {
    if (output == null || output.isBlank()) {
      throw new ToolOutputException(tool + " printed nothing");
    }
    if (output.length() > MAX_CHARS) {
      throw new ToolOutputException(tool + " printed more than " + MAX_CHARS + " characters");
    }
    String[] lines = output.split("\r?\n", -1);
    String test = null;
    boolean server = false;
    Map<String, String> header = new LinkedHashMap<>();
    List<String> gids = new ArrayList<>(2);
    Unit unit = null;
    List<Row> rows = new ArrayList<>();
    String errorLine = null;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m;
      if (line.contains("Waiting for client to connect")) {
        server = true;
      } else if (test == null && (m = TITLE.matcher(line)).matches()) {
        test = m.group(1).strip();
      } else if ((m = GID_LINE.matcher(line)).matches()) {
        gids.add(hexGid(m.group(1)));
      } else if ((m = TABLE_HEAD.matcher(line)).matches()) {
        if (!m.group(1).equals(m.group(2))) {
          throw new ToolOutputException(tool + ": table header mixes units " + quote(line));
        }
        unit = m.group(1).equals("Gb") ? Unit.GBITS : Unit.MIB;
        i = readRows(tool, lines, i + 1, rows);
      } else if (unit == null && line.contains(":") && !line.contains("address:")) {
        readFields(line, header);
      }
      if (errorLine == null
          && unit == null
          && LinearText.isOneLine(line)
          && ERROR_HINT.matcher(line).find()) {
        errorLine = line;
      }
    }
    if (unit == null || rows.isEmpty()) {
      throw new ToolOutputException(
          tool
              + " printed no result table"
              + (errorLine != null
                  ? ": " + quote(errorLine)
                  : " (" + quote(firstLine(lines)) + ")"));
    }
    if (test == null) {
      throw new ToolOutputException(tool + ": no 'BW Test' title before the result table");
    }
    return new PerftestReport(
        test,
        server,
        header,
        header.get("Device"),
        header.get("Link type"),
        header.get("Connection type"),
        mtu(header.get("Mtu")),
        integer(header.get("GID index")),
        gids.size() > 0 ? gids.get(0) : null,
        gids.size() > 1 ? gids.get(1) : null,
        unit,
        rows);
  }

  private static int readRows(String tool, String[] lines, int from, List<Row> rows)
      throws ToolOutputException {
    int i = from;
    for (; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("---")) {
        break;
      }
      String[] f = l.split("\\s+");
      if (f.length != 5) {
        throw new ToolOutputException(
            tool + ": result row has " + f.length + " fields " + quote(l));
      }
      if (!WHOLE.matcher(f[0]).matches()
          || !WHOLE.matcher(f[1]).matches()
          || !DECIMAL.matcher(f[2]).matches()
          || !DECIMAL.matcher(f[3]).matches()
          || !DECIMAL.matcher(f[4]).matches()) {
        throw new ToolOutputException(tool + ": result row is not numeric " + quote(l));
      }
      double peak = Double.parseDouble(f[2]);
      double avg = Double.parseDouble(f[3]);
      double rate = Double.parseDouble(f[4]);
      if (peak < 0 || avg < 0 || rate < 0) {
        // perftest has printed negative averages after counter wrap (linux-rdma/perftest#82)
        throw new ToolOutputException(tool + ": result row out of range " + quote(l));
      }
      rows.add(new Row(Long.parseLong(f[0]), Long.parseLong(f[1]), peak, avg, rate));
    }
    return i;
  }

  private static void readFields(String line, Map<String, String> header) {
    // "Dual-port : OFF\t\tDevice : rxe0": two fields per line, separated by tabs
    for (String part : line.split("\t{2,}")) {
      Matcher m = FIELD.matcher(part.replace('\t', ' '));
      if (m.matches()) {
        header.putIfAbsent(m.group(1).strip(), m.group(2));
      }
    }
  }

  /** perftest prints GIDs as 16 decimal bytes; the usual form is 8 groups of 4 hex digits. */
  static String hexGid(String decimalBytes) throws ToolOutputException {
    String[] b = decimalBytes.split(":");
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 16; i++) {
      int v = Integer.parseInt(b[i]);
      if (v > 255) {
        throw new ToolOutputException("perftest GID byte out of range: " + quote(decimalBytes));
      }
      if (i > 0 && i % 2 == 0) {
        s.append(':');
      }
      s.append(String.format(Locale.ROOT, "%02x", v));
    }
    return s.toString();
  }

  private static Integer mtu(String text) {
    Matcher m = text == null ? null : MTU.matcher(text);
    return m != null && m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  private static Integer integer(String text) {
    return text != null && text.matches("[0-9]{1,5}") ? Integer.valueOf(text) : null;
  }

  private static String firstLine(String[] lines) {
    for (String l : lines) {
      if (!l.isBlank()) {
        return l;
      }
    }
    return "";
  }

  private static String quote(String s) {
    return ToolOutputException.quote(s);
  }
}
