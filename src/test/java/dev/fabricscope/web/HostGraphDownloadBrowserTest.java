package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.w3c.dom.Document;

/**
 * The host page's graph downloads (issue 14): the SVG parses as SVG with a group per node and the
 * full labels, the PNG is a real PNG of the drawing, and both buttons save their file.
 */
@QuarkusTest
class HostGraphDownloadBrowserTest extends BigHostBrowserTest {

  @Test
  void theGraphDownloadsAsSvgAndPng() throws Exception {
    open(DGX2);
    String svg = (String) js().executeScript("return window.fabricscope.svg();");
    Document doc = parse(svg);
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
    long nodes =
        ((Number) js().executeScript("return window.fabricscope.cy.nodes().length;")).longValue();
    assertEquals(nodes, countClass(doc, "node"));
    assertTrue(svg.contains(">GPU0 · "), "full labels in the SVG");
    String png = png();
    assertTrue(png.startsWith("data:image/png;base64,"), png.substring(0, 40));
    byte[] bytes = Base64.getDecoder().decode(png.substring(png.indexOf(',') + 1));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
    assertTrue(
        img.getWidth() > 800 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
    // the buttons save both files
    driver.findElement(By.id("download-svg")).click();
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-downloaded", DGX2 + "-fabric.svg"));
    driver.findElement(By.id("download-png")).click();
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-downloaded", DGX2 + "-fabric.png"));
  }

  /**
   * Names with characters XML does not allow (C0 controls, U+FFFF), as a broken or hostile agent
   * may send them (eleventh security review, finding 2): the SVG still parses, shows U+FFFD in
   * their place, and the PNG is still drawn.
   */
  @Test
  void namesWithControlCharactersStillDownload() throws Exception {
    String host = "ctl-names-" + System.nanoTime();
    ObjectNode r = (ObjectNode) JSON.readTree(ApiClient.resource("valid-report.json"));
    ((ObjectNode) r.get("host")).put("name", host);
    for (var f : r.get("pci")) {
      ((ObjectNode) f).put("deviceName", "Ctl\u0001\u0008X\uFFFF").put("vendorName", "Ven\u0002Y");
    }
    String agent = ApiClient.token(host, "agent", host);
    ApiClient.sendReport(agent, JSON.writeValueAsBytes(r)).then().statusCode(201);
    open(host);
    String svg = (String) js().executeScript("return window.fabricscope.svg();");
    Document doc = parse(svg);
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertTrue(svg.contains("Ctl\uFFFD\uFFFDX\uFFFD"), "U+FFFD in place of each character");
    assertTrue(svg.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r'));
    String png = png();
    assertTrue(png.startsWith("data:image/png;base64,"), png.substring(0, 40));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The page's SVG, parsed as namespaced XML (a file that is not well-formed fails here). */
  static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newDefaultNSInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** The page's PNG as a data URL, or "error …" when it could not be drawn. */
  String png() {
    return (String)
        js().executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + " window.fabricscope.png().then(done, function (e) { done('error ' + e); });");
  }

  static long countClass(Document doc, String cls) {
    var gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    long n = 0;
    for (int i = 0; i < gs.getLength(); i++) {
      if (cls.equals(((org.w3c.dom.Element) gs.item(i)).getAttribute("class"))) {
        n++;
      }
    }
    return n;
  }
}
