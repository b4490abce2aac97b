package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.sysfs.PciIds;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.text.LinearText;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports {@code lspci -tv}/{@code -tvnn} trees, with {@code lspci -vvv} blocks where the text has
 * them, from any text: Markdown pages, terminal logs (fixtures README "text/"). The tree gives
 * parents and host bridges ({@link LspciTreeReader}); {@code -vvv} gives class, port type, links,
 * MPS/MRRS, ACS (p2p-rules.md §3) and driver ({@link LspciVerboseReader}). Without {@code -nn} the
 * ids come from pci.ids by the printed names when the match is exact ({@code Device 14a4} is
 * lspci's own spelling of an unnamed device 0x14a4); otherwise they are unknown. Without {@code
 * -vvv} a function's ACS and links are unknown and its port type is inferred; its class comes from
 * a sibling function of the same device with the same ids ({@link LspciSiblings}), else it is
 * unknown.
 */
public final class LspciTextImporter {

  /** Report {@code source}. */
  public static final String SOURCE = "lspci";

  /**
   * The longest line read. lspci prints far shorter lines (a -vvv capability line, a tree line with
   * names); a limit keeps every per-line step cheap on hostile text, as in IbNetDiscover.
   */
  public static final int MAX_LINE_CHARS = 4096;

  /**
   * The most lines read: {@code lspci -vvvxxxx} prints about 300 a function (a 4 KiB hex dump of
   * its config space), so a host of 3,000 functions fits. Counted before the text is split: every
   * line becomes a string of its own, about 45 bytes even when empty, and 16 MiB of one-character
   * lines (16 KB gzipped) took a 512 MiB server's heap (thirteenth security review).
   */
  public static final int MAX_LINES = 1_000_000;

  // matched only from the last '[' of an entry: "\\s*\\[...\\]$" with find() was O(n²) on blanks
  private static final Pattern TREE_IDS = Pattern.compile("\\[([0-9a-f]{4}):([0-9a-f]{4})\\]$");
  private static final Pattern UNNAMED = Pattern.compile("Device ([0-9a-f]{4})");

  private final String file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final PciIds ids = PciIds.shared();
  private int idsByName;

  private LspciTextImporter(String file) {
    this.file = file;
  }

  /** Imports the lspci output in {@code text}; {@code file} names it in messages. */
  public static Report read(String text, String file) throws ImportException {
    int newlines = 0;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      // a line ended by a newline is one line (wc -l): the limit's last line may end in one
      boolean another = ++newlines > MAX_LINES || newlines == MAX_LINES && i + 1 < text.length();
      if (another) {
        throw new ImportException(
            file + ": more than " + MAX_LINES + " lines; lspci text of a host has far fewer");
      }
    }
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      ParseDeadline.check();
      if (lines[i].length() > MAX_LINE_CHARS) {
        throw new ImportException(
            file
                + ": line "
                + (i + 1)
                + " is "
                + lines[i].length()
                + " characters long; lspci text lines are at most "
                + MAX_LINE_CHARS);
      }
    }
    return new LspciTextImporter(file).build(lines);
  }

  private Report build(String[] lines) throws ImportException {
    var blocks = LspciTreeReader.blocks(lines);
    if (blocks.isEmpty()) {
      throw new ImportException(
          file + ": no lspci tree found (expected the output of lspci -tv or lspci -tvnn)");
    }
    Map<String, LspciTreeReader.Entry> tree = new LinkedHashMap<>();
    for (var block : blocks) {
      try {
        // the function limit while reading: every step after this one costs per function
        LspciTreeReader.read(block, TopologyCheck.MAX_FUNCTIONS - tree.size())
            .forEach(tree::putIfAbsent);
      } catch (LspciTreeReader.TooManyException e) {
        throw new ImportException(file + ": " + e.getMessage(), e);
      } catch (LspciTreeReader.TreeException e) {
        throw new ImportException(file + ": lspci tree does not parse: " + e.getMessage(), e);
      }
    }
    Map<String, LspciVerboseReader.Block> verbose = LspciVerboseReader.read(lines);
    for (String bdf : verbose.keySet()) {
      if (!tree.containsKey(bdf)) {
        tree.put(bdf, new LspciTreeReader.Entry(bdf, null, null, false, null));
        diagnostics.add(
            new Diagnostic(
                bdf, "in lspci -vvv but not in the tree: parent and hostBridge unknown"));
      }
    }
    if (tree.size() > TopologyCheck.MAX_FUNCTIONS) {
      // -vvv blocks the tree did not show count too
      throw new ImportException(
          file + ": too many PCI functions: " + tree.size() + " > " + TopologyCheck.MAX_FUNCTIONS);
    }
    Map<String, PciTopology.Node> nodes = new HashMap<>();
    Map<String, PortType> known = new HashMap<>();
    tree.forEach(
        (bdf, e) -> {
          nodes.put(bdf, new PciTopology.Node(e.parent(), e.bridge()));
          LspciVerboseReader.Block b = verbose.get(bdf);
          if (b != null && b.portType != null) {
            known.put(bdf, b.portType);
          }
        });
    Map<String, PortType> types = PciTopology.inferPortTypes(nodes, known);
    List<PciFunction> pci = new ArrayList<>();
    tree.forEach(
        (bdf, e) ->
            pci.add(
                function(e, verbose.get(bdf), types.get(bdf), known.containsKey(bdf), verbose)));
    List<PciFunction> sorted =
        ImportSupport.sorted(LspciSiblings.classify(pci, verbose, diagnostics));
    addFormatDiagnostics(verbose.size(), tree.size());
    Host host = LscpuHost.read(lines, file, diagnostics);
    return new Report(
        Report.SCHEMA_VERSION,
        SOURCE,
        host,
        sorted,
        List.of(),
        List.of(),
        List.of(),
        ImportSupport.gpus(sorted, null),
        List.of(),
        diagnostics);
  }

  /**
   * The {@code [vvvv:dddd]} ids that end a tree entry ({@code lspci -tvnn}) as {vendor, device, the
   * text before them and their blanks}, or null: what {@code \\s*\\[...\\]$} with {@code find()}
   * gave. The ids hold no '[', so only the last one can start them.
   */
  static String[] treeIds(String text) {
    int bracket = text.lastIndexOf('[');
    Matcher m = bracket < 0 ? null : TREE_IDS.matcher(text).region(bracket, text.length());
    if (m == null || !m.lookingAt()) {
      return null;
    }
    int start = bracket;
    while (start > 0 && LinearText.isSpace(text.charAt(start - 1))) {
      start--; // the blanks before the ids go with them, as the pattern's \\s* took them
    }
    return new String[] {m.group(1), m.group(2), text.substring(0, start)};
  }

  private PciFunction function(
      LspciTreeReader.Entry e,
      LspciVerboseReader.Block b,
      PortType type,
      boolean fromConfig,
      Map<String, LspciVerboseReader.Block> verbose) {
    String text = e.text() != null ? e.text() : b != null ? b.names : null;
    String vendorId = b != null ? b.vendorId : null;
    String deviceId = b != null ? b.deviceId : null;
    if (text != null) {
      String[] t = treeIds(text);
      if (t != null) {
        vendorId = "0x" + t[0];
        deviceId = "0x" + t[1];
        text = t[2];
      }
    }
    String vendorName = null;
    String deviceName = null;
    var vendor = text == null ? null : ids.vendorPrefix(text);
    if (vendor != null) {
      vendorName = vendor.getValue();
      deviceName = text.substring(vendorName.length()).trim();
      if (vendorId == null) {
        vendorId = ImportSupport.hexId(vendor.getKey(), 4);
        Matcher u = UNNAMED.matcher(deviceName);
        int d =
            u.matches()
                ? Integer.parseInt(u.group(1), 16)
                : ids.deviceByName(vendor.getKey(), deviceName);
        deviceId = ImportSupport.hexId(d, 4);
        idsByName++;
      }
    } else if (vendorId != null) {
      vendorName = ImportSupport.vendorName(vendorId);
      deviceName = ImportSupport.deviceName(vendorId, deviceId);
    }
    String cls = null;
    if (b != null) {
      int c16 = b.class16 != null ? b.class16 : ids.classByName(b.className);
      cls = c16 < 0 ? null : String.format("0x%04x%02x", c16, b.progIf);
    }
    PortType t = type == null ? PortType.UNKNOWN : type;
    DeviceKind kind = ImportSupport.kind(cls, vendorId, t, e.bridge());
    return new PciFunction(
        e.bdf(),
        e.parent(),
        e.hostBridge(),
        vendorId,
        deviceId,
        null,
        null,
        cls,
        b == null ? null : b.revision,
        vendorName,
        deviceName,
        kind,
        t,
        fromConfig ? PciFunction.FROM_CONFIG : PciFunction.INFERRED,
        b == null ? null : b.driver,
        b == null ? null : b.numaNode,
        null,
        null,
        null,
        null,
        link(e, b, verbose),
        acs(b),
        config(b));
  }

  private static PciLink link(
      LspciTreeReader.Entry e,
      LspciVerboseReader.Block b,
      Map<String, LspciVerboseReader.Block> verbose) {
    if (b == null || b.lnkCap == null && b.lnkSta == null) {
      return null;
    }
    LspciVerboseReader.Block up = e.parent() == null ? null : verbose.get(e.parent());
    // the upstream end is only known when the parent port's -vvv block is in the text too
    PciLink.Upstream upstream =
        up == null || up.lnkSta == null && up.lnkCap == null
            ? null
            : new PciLink.Upstream(e.parent(), up.lnkSta, up.lnkCap);
    return new PciLink(null, null, b.lnkCap, b.lnkSta, upstream, null);
  }

  private static Acs acs(LspciVerboseReader.Block b) {
    if (b == null || b.accessDenied) {
      return Acs.unknown();
    }
    if (b.acsCap != null || b.acsCtl != null) {
      return new Acs(Acs.PRESENT, b.acsCap, b.acsCtl, null);
    }
    // a root-run -vvv lists every capability: no "Access Control Services" means none
    return b.capabilitiesListed ? Acs.absent() : Acs.unknown();
  }

  private static PciFunction.ConfigInfo config(LspciVerboseReader.Block b) {
    if (b == null) {
      return null;
    }
    Boolean pcie =
        b.pcieCapability ? Boolean.TRUE : b.capabilitiesListed && !b.accessDenied ? false : null;
    return new PciFunction.ConfigInfo(null, pcie, b.mps, b.mpsSupported, b.mrrs, b.ats);
  }

  private void addFormatDiagnostics(int verboseCount, int total) {
    if (verboseCount < total) {
      diagnostics.add(
          new Diagnostic(
              file,
              (total - verboseCount)
                  + " of "
                  + total
                  + " functions have no lspci -vvv block: ACS, links and driver unknown, port"
                  + " type inferred from the tree, class from a sibling function with the same"
                  + " ids (else unknown)"));
    }
    if (idsByName > 0) {
      diagnostics.add(
          new Diagnostic(
              file,
              idsByName
                  + " functions printed without ids (no -nn): vendor/device ids looked up in"
                  + " pci.ids ("
                  + ids.origin()
                  + ") by the printed names; unknown where no exact match"));
    }
    diagnostics.add(
        new Diagnostic(
            file,
            "lspci text has no subsystem ids, IOMMU groups, SR-IOV, NUMA CPU lists or host"
                + " information (beyond lscpu output, if pasted alongside): unknown"));
  }
}
