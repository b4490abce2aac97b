package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The import page (file picker, drop zone, token in sessionStorage, the result or the problem
 * detail) in real headless Chromium; the findings page is {@link FindingsPageBrowserTest}. Every
 * test saves a screenshot and fails on any console error.
 */
@QuarkusTest
class ImportPageBrowserTest extends BrowserTest {

  static final String DGX2_HOST = "import-page-dgx2";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "pages-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("pages-operator-" + System.nanoTime(), "operator", null);
    }
  }

  /** PCI functions hwloc describes: PCIDev and Bridge objects with a bus id (host bridges none). */
  static int hwlocPciFunctions(Path xml) throws Exception {
    Matcher m = Pattern.compile("<object\\b[^>]*>").matcher(Files.readString(xml));
    int n = 0;
    while (m.find()) {
      String tag = m.group();
      if ((tag.contains("type=\"PCIDev\"") || tag.contains("type=\"Bridge\""))
          && tag.contains("pci_busid=")) {
        n++;
      }
    }
    return n;
  }

  void openImportPage() {
    driver.get(url("/import"));
    assertEquals("fabricscope — import", driver.getTitle());
    waiting().until(ExpectedConditions.attributeToBe(By.id("import-form"), "data-ready", "true"));
  }

  @Test
  void importingAnHwlocXmlShowsTheResultAndLinksToTheHost() throws Exception {
    Path xml = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml").toRealPath();
    int expected = hwlocPciFunctions(xml);
    assertTrue(expected > 0);
    openImportPage();
    // the page is labelled: every input has a label
    for (String id : List.of("import-file", "import-host", "import-token")) {
      assertFalse(
          driver.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty(), id + " label");
    }
    driver.findElement(By.id("import-file")).sendKeys(xml.toString());
    assertTrue(driver.findElement(By.id("import-chosen")).getText().contains("nvidiaDGX2.xml"));
    driver.findElement(By.id("import-host")).sendKeys(DGX2_HOST);
    driver.findElement(By.id("import-token")).sendKeys(operator);
    driver.findElement(By.id("import-submit")).click();
    WebElement result =
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("import-result")));
    waiting().until(ExpectedConditions.attributeToBe(By.id("import-result"), "data-state", "ok"));
    assertEquals(DGX2_HOST, driver.findElement(By.id("import-host-link")).getText());
    assertEquals(String.valueOf(expected), driver.findElement(By.id("import-pci")).getText());
    assertFalse(driver.findElement(By.id("import-source")).getText().isBlank(), result.getText());
    assertTrue(
        driver.findElement(By.id("import-diagnostics")).getText().matches("\\d+"),
        result.getText());
    // the diagnostics are readable: a closed list that Enter on its summary opens, one item each,
    // naming the upload rather than a server path
    int diagnostics = Integer.parseInt(driver.findElement(By.id("import-diagnostics")).getText());
    WebElement list = driver.findElement(By.id("import-diagnostics-list"));
    assertEquals(null, list.getDomAttribute("open"));
    WebElement summary = list.findElement(By.tagName("summary"));
    summary.sendKeys(Keys.ENTER);
    waiting().until(d -> list.getDomAttribute("open") != null);
    List<WebElement> items = list.findElements(By.cssSelector("ul.diagnostics li"));
    assertEquals(diagnostics, items.size());
    assertTrue(items.get(0).isDisplayed());
    assertTrue(
        list.getText()
            .contains("upload: hwloc XML records no ACS: acs is unknown for every function"),
        list.getText());
    assertFalse(list.getText().contains("fabricscope-import-"), list.getText());
    // the upload reported its progress: the bar's maximum is the file's size in bytes
    assertEquals(
        String.valueOf(Files.size(xml)),
        String.valueOf(
            ((JavascriptExecutor) driver)
                .executeScript("return document.getElementById('import-progress').max;")));
    // the token lives in sessionStorage, never in the page source
    assertEquals(
        operator,
        ((JavascriptExecutor) driver)
            .executeScript("return window.sessionStorage.getItem('fabricscope.operatorToken');"));
    assertFalse(driver.getPageSource().contains(operator), "token in the page source");
    BrowserSupport.screenshot(driver, "pages-import-result");
    // the server stored what the page said
    given().get("/api/v1/hosts/" + DGX2_HOST + "/topology").then().statusCode(200);

    driver.findElement(By.id("import-host-link")).click();
    waiting().until(ExpectedConditions.urlContains("/hosts/" + DGX2_HOST));
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    assertEquals("fabricscope — " + DGX2_HOST, driver.getTitle());

    // back on the import page the token is still there (same tab session)
    openImportPage();
    assertEquals(operator, driver.findElement(By.id("import-token")).getAttribute("value"));
  }

  @Test
  void aBrokenFileDroppedOnTheDropZoneShowsTheProblemDetail() throws Exception {
    String broken = "this is not a topology\n";
    String detail =
        given()
            .auth()
            .oauth2(operator)
            .contentType("application/octet-stream")
            .queryParam("host", "broken-upload")
            .body(broken.getBytes(StandardCharsets.UTF_8))
            .post("/api/v1/imports")
            .then()
            .statusCode(422)
            .extract()
            .path("detail");
    assertNotNull(detail);
    openImportPage();
    driver.findElement(By.id("import-host")).sendKeys("broken-upload");
    WebElement token = driver.findElement(By.id("import-token"));
    token.clear();
    token.sendKeys(operator);
    // a real drop event carrying a file, as the browser fires it on drag-and-drop
    ((JavascriptExecutor) driver)
        .executeScript(
            "var dt = new DataTransfer();"
                + " dt.items.add(new File([arguments[0]], 'broken.txt', {type: 'text/plain'}));"
                + " var z = document.getElementById('dropzone');"
                + " z.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true,"
                + " cancelable: true}));"
                + " z.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true,"
                + " cancelable: true}));",
            broken);
    assertTrue(driver.findElement(By.id("import-chosen")).getText().contains("broken.txt"));
    // keyboard: Enter in a field submits the form
    driver.findElement(By.id("import-host")).sendKeys(org.openqa.selenium.Keys.ENTER);
    waiting()
        .until(ExpectedConditions.attributeToBe(By.id("import-result"), "data-state", "failed"));
    String shown = driver.findElement(By.id("import-detail")).getText();
    assertTrue(shown.contains(detail), shown + " vs " + detail);
    assertTrue(driver.findElement(By.id("import-result")).getText().contains("422"));
    expectOnlyTheRejectedUpload(422);
  }

  @Test
  void withoutATokenTheImportIsRefusedWithAHint() throws Exception {
    openImportPage();
    ((JavascriptExecutor) driver)
        .executeScript("window.sessionStorage.removeItem('fabricscope.operatorToken');");
    openImportPage();
    assertEquals("", driver.findElement(By.id("import-token")).getAttribute("value"));
    Path xml = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml").toRealPath();
    driver.findElement(By.id("import-file")).sendKeys(xml.toString());
    driver.findElement(By.id("import-host")).sendKeys("no-token-host");
    driver.findElement(By.id("import-submit")).click();
    waiting()
        .until(ExpectedConditions.attributeToBe(By.id("import-result"), "data-state", "failed"));
    String shown = driver.findElement(By.id("import-detail")).getText();
    assertTrue(shown.contains("operator token"), shown);
    expectOnlyTheRejectedUpload(401);
  }

  /**
   * Chromium logs every 4xx answer to fetch as a console error: accept exactly the refused upload
   * (and nothing else) in the tests that want a refusal.
   */
  static void expectOnlyTheRejectedUpload(int status) {
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    List<LogEntry> other = new ArrayList<>();
    for (LogEntry e : severe) {
      String m = e.getMessage();
      if (!(m.contains("/api/v1/imports") && m.contains("status of " + status))) {
        other.add(e);
      }
    }
    if (!other.isEmpty()) {
      fail("browser console errors: " + other);
    }
  }
}
