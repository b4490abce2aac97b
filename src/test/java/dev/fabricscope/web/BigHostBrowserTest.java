package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

/**
 * What the host-page browser tests of big fabrics share (issue 14): the hosts, imported once, and
 * how a test opens one and measures its drawn labels.
 *
 * <p>Hosts: the DGX-2 ({@code hwloc-xml/nvidiaDGX2.xml}: 16 V100s, 12 NVSwitches, two baseboards)
 * and the 137-function Dell DCS8000Z gather, the largest PCI tree among the fixtures.
 */
abstract class BigHostBrowserTest extends BrowserTest {

  static final String DGX2 = "graph-dgx2";
  static final String DELL = "graph-dell137";
  // hwloc-xml/nvidiaDGX2.xml: two V100s under one PLX switch, one on the other socket
  static final String GPU_A = "0000:34:00.0";
  static final String GPU_SAME_SWITCH = "0000:36:00.0";
  static final String GPU_OTHER_SOCKET = "0000:b7:00.0";

  static boolean imported;

  @Override
  String screenshotPrefix() {
    return "hostgraph-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (!imported) {
      String op = ApiClient.token("hostgraph-op-" + System.nanoTime(), "operator", null);
      importFile(op, "hwloc-xml/nvidiaDGX2.xml", DGX2);
      importFile(op, "sysfs/hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2", DELL);
      imported = true;
    }
    driver.manage().window().setSize(new Dimension(1600, 1250));
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  void open(String host) {
    driver.get(url("/hosts/" + host));
    waitForGraph();
  }

  /**
   * Every drawn label's line height on screen, measured from the label boxes cytoscape laid out
   * (graph units) times the zoom and the canvas's on-screen scale (getBoundingClientRect against
   * its layout width); and whether the whole drawing lies inside the visible part.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> labels() {
    return (Map<String, Object>)
        js().executeScript(
                "var cy = window.fabricscope.cy; var c = document.querySelector('#fabric canvas');"
                    + " var scale = c.getBoundingClientRect().width / c.offsetWidth;"
                    + " var z = cy.zoom(); var min = 1e9, shown = 0, ids = [];"
                    + " cy.elements().forEach(function (e) { var t = e.style('label'); if (!t) return;"
                    + "  if (e.style('display') === 'none' || e.style('text-opacity') == 0) return;"
                    + "  var b = e.boundingBox({includeNodes: false, includeEdges: false,"
                    + "   includeLabels: true, includeOverlays: false});"
                    + "  var line = b.h / t.split('\\n').length * z * scale;"
                    + "  if (line < min) min = line; shown++; ids.push(e.id()); });"
                    + " var bb = cy.elements().boundingBox(), x = cy.extent();"
                    + " return {min: min, shown: shown, ids: ids, zoom: z,"
                    + "  fitted: bb.x1 >= x.x1 - 1 && bb.x2 <= x.x2 + 1 && bb.y1 >= x.y1 - 1"
                    + "   && bb.y2 <= x.y2 + 1,"
                    + "  fontPx: cy.elements().filter(function (e) { return !!e.style('label'); })"
                    + "   .map(function (e) { return parseFloat(e.style('font-size')) * z; })"
                    + "   .reduce(function (a, b) { return Math.min(a, b); }, 1e9)};");
  }

  void assertReadable(String what, int atLeastShown) {
    Map<String, Object> l = labels();
    assertEquals(Boolean.TRUE, l.get("fitted"), what + " opens fitted: " + l);
    double min = ((Number) l.get("min")).doubleValue();
    long shown = ((Number) l.get("shown")).longValue();
    // a line box is the font size times cytoscape's line height (1): ≥ 10 px means a ≥ 10 px font
    assertTrue(min >= 10.0, what + ": smallest drawn label line " + min + " px " + l);
    assertTrue(((Number) l.get("fontPx")).doubleValue() >= 10.0, what + " " + l);
    assertTrue(shown >= atLeastShown, what + ": " + shown + " labels drawn " + l.get("ids"));
  }
}
