package dev.fabricscope.oracle;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * OS devices as hwloc's lstopo printed them: from its XML export ({@code --of xml}) or its console
 * output ({@code --of console}), each with its types and the PCI function it hangs below.
 */
public final class HwlocOracle {

  /**
   * One OS device.
   *
   * @param name e.g. {@code mlx4_0}, {@code eth0}, {@code nvme0n1}
   * @param types Storage, Memory, GPU, CoProc, Network, OpenFabrics, DMA
   * @param parentBusid {@code pci_busid} of the enclosing PCI object, null when not below PCI
   */
  public record OsDev(String name, Set<String> types, String parentBusid) {}

  /** hwloc 3.0 XML: osdev_type is a bitmask, in this bit order. */
  private static final List<String> BITS =
      List.of("Storage", "Memory", "GPU", "CoProc", "Network", "OpenFabrics", "DMA");

  /** hwloc 2.x XML: osdev_type is an enum (BLOCK, GPU, NETWORK, OPENFABRICS, DMA, COPROC). */
  private static final List<String> ENUM =
      List.of("Storage", "GPU", "Network", "OpenFabrics", "DMA", "CoProc");

  private HwlocOracle() {}

  /** Parses an hwloc XML topology (the DTD is not loaded). */
  public static List<OsDev> fromXml(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      Element top =
          f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
      boolean bitmask = top.getAttribute("version").startsWith("3");
      List<OsDev> out = new ArrayList<>();
      NodeList objects = top.getElementsByTagName("object");
      for (int i = 0; i < objects.getLength(); i++) {
        Element e = (Element) objects.item(i);
        if (!e.getAttribute("type").equals("OSDev")) {
          continue;
        }
        int t = Integer.parseInt(e.getAttribute("osdev_type"));
        Set<String> types = new LinkedHashSet<>();
        if (bitmask) {
          for (int b = 0; b < BITS.size(); b++) {
            if ((t & (1 << b)) != 0) {
              types.add(BITS.get(b));
            }
          }
        } else if (t >= 0 && t < ENUM.size()) {
          types.add(ENUM.get(t));
        }
        String busid = null;
        Node p = e.getParentNode();
        if (p instanceof Element pe && pe.hasAttribute("pci_busid")) {
          busid = pe.getAttribute("pci_busid");
        }
        out.add(new OsDev(e.getAttribute("name"), types, busid));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalArgumentException("not an hwloc XML topology: " + e, e);
    }
  }

  private static final Pattern OBJECT =
      Pattern.compile("^( *)(\\S+?)(?:\\[[^\\]]*\\])?(?:\\(.*?\\))? L#\\d+");
  private static final Pattern PCI_BUSID =
      Pattern.compile("\\(busid=([0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])");
  private static final Pattern OSDEV =
      Pattern.compile("^ *OSDev\\[([^\\]]+)\\](?:\\([^)]*\\))? L#\\d+.*\"([^\"]+)\"\\s*$");

  /** Parses lstopo console output: nesting is by indentation. */
  public static List<OsDev> fromConsole(String text) {
    record Level(int indent, String busid) {}
    Deque<Level> stack = new ArrayDeque<>();
    List<OsDev> out = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      Matcher obj = OBJECT.matcher(line);
      if (!obj.find()) {
        continue;
      }
      int indent = obj.group(1).length();
      while (!stack.isEmpty() && stack.peek().indent() >= indent) {
        stack.pop();
      }
      Matcher os = OSDEV.matcher(line);
      if (os.find()) {
        String parent = stack.isEmpty() ? null : stack.peek().busid();
        Set<String> types = new LinkedHashSet<>(List.of(os.group(1).split("\\s*,\\s*")));
        out.add(new OsDev(os.group(2), types, parent));
      }
      String kind = obj.group(2);
      Matcher bus = PCI_BUSID.matcher(line);
      boolean pci = (kind.equals("PCI") || kind.equals("PCIBridge")) && bus.find();
      stack.push(new Level(indent, pci ? bus.group(1) : null));
    }
    return out;
  }
}
