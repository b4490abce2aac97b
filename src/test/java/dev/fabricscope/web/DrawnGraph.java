package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What a page's fabric graph shows (window.fabricscope.cy), read in the browser for the tests: the
 * drawn nodes and edges against a graph the server answered, a node's data, what hangs above a
 * node.
 */
final class DrawnGraph {

  private DrawnGraph() {}

  /**
   * The drawn nodes (id, label, parent box) and edges (id, ends, label) are those of a graph the
   * server answered ({@code prefix} the path to it in the answer, "" or "graph."); transient path
   * marks left out.
   */
  @SuppressWarnings("unchecked")
  static void assertDrawnIs(ChromeDriver driver, ValidatableResponse answer, String prefix) {
    var json = answer.extract().jsonPath();
    List<Map<String, Object>> nodes = json.getList(prefix + "nodes");
    List<Map<String, Object>> edges = json.getList(prefix + "edges");
    Set<String> want = new TreeSet<>();
    for (Map<String, Object> n : nodes) {
      want.add(
          "node "
              + n.get("id")
              + " in "
              + n.get("parent")
              + ": "
              + String.join("|", (List<String>) n.get("label")));
    }
    for (Map<String, Object> e : edges) {
      want.add(
          "edge "
              + e.get("id")
              + " "
              + e.get("source")
              + ">"
              + e.get("target")
              + " "
              + e.get("label"));
    }
    List<String> got =
        (List<String>)
            driver.executeScript(
                "var out = [];"
                    + " window.fabricscope.cy.nodes().forEach(function (n) { out.push('node ' + n.id()"
                    + " + ' in ' + (n.data('parent') || null) + ': ' + n.data('label').split('\\n').join('|')); });"
                    + " window.fabricscope.cy.edges().not('.transient').forEach(function (e) { out.push('edge '"
                    + " + e.id() + ' ' + e.data('source') + '>' + e.data('target') + ' ' + e.data('label')); });"
                    + " return out;");
    assertEquals(want, new TreeSet<>(got));
  }

  static void assertDrawnIs(ChromeDriver driver, ValidatableResponse answer) {
    assertDrawnIs(driver, answer, "");
  }

  static String nodeData(ChromeDriver driver, String id, String key) {
    return (String)
        driver.executeScript(
            "var v = window.fabricscope.cy.getElementById(arguments[0]).data(arguments[1]);"
                + " return v == null ? null : String(v);",
            id,
            key);
  }

  /** The node drawn above {@code id} (the source of the PCIe edge into it). */
  static String portAbove(ChromeDriver driver, String id) {
    return (String)
        driver.executeScript(
            "return window.fabricscope.cy.getElementById(arguments[0]).incomers('edge[kind != \"nvlink\"]').sources()[0].id();",
            id);
  }

  /** The switch box the port above {@code id} is drawn in (by the drawn edge into it). */
  static String switchAbove(ChromeDriver driver, String id) {
    return (String)
        driver.executeScript(
            "var up = window.fabricscope.cy.getElementById(arguments[0]).incomers('edge[kind != \"nvlink\"]').sources();"
                + " return up.length === 1 ? (up[0].data('parent') || null) : 'edges into it: ' + up.length;",
            id);
  }

  @SuppressWarnings("unchecked")
  /** The ids of the drawn nodes. */
  static List<String> ids(ChromeDriver driver) {
    return (List<String>)
        driver.executeScript(
            "return window.fabricscope.cy.nodes().map(function (n) { return n.id(); });");
  }
}
