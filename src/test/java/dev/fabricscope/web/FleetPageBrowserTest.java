package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The fleet page in headless Chromium: listed hosts, the name filter, sorting, the host link. */
@QuarkusTest
class FleetPageBrowserTest extends BrowserTest {

  static final String DGX2 = "fleetDGX2";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "fleet-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("fleet-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "hwloc-xml/nvidiaDGX2.xml", DGX2);
      importFile(operator, "sysfs/qemu-rig-iommu.tar.gz", "fleet-rig");
    }
  }

  @Test
  void fleetPageListsFiltersAndLinksToTheHost() throws Exception {
    // the largest page: the other test classes' hosts share the inventory, and enough of them sort
    // between this class's two to push "fleet-rig" off the first 50
    driver.get(url("/?limit=500"));
    assertEquals("fabricscope — fleet", driver.getTitle());
    assertFalse(driver.findElements(By.cssSelector("tr[data-host='" + DGX2 + "']")).isEmpty());
    assertFalse(driver.findElements(By.cssSelector("tr[data-host='fleet-rig']")).isEmpty());
    WebElement row = driver.findElement(By.cssSelector("tr[data-host='" + DGX2 + "']"));
    assertTrue(row.getText().contains("16"), "GPU count shown: " + row.getText());

    WebElement filter = driver.findElement(By.id("name-filter"));
    filter.clear();
    filter.sendKeys("DGX2");
    driver.findElement(By.id("filter-submit")).click();
    waiting().until(ExpectedConditions.urlContains("name=DGX2"));
    List<WebElement> rows = driver.findElements(By.cssSelector("#fleet tbody tr[data-host]"));
    assertFalse(rows.isEmpty());
    for (WebElement r : rows) {
      assertTrue(
          r.getAttribute("data-host").toLowerCase().contains("dgx2"), r.getAttribute("data-host"));
    }
    assertTrue(driver.findElements(By.cssSelector("tr[data-host='fleet-rig']")).isEmpty());
    BrowserSupport.screenshot(driver, "browser-fleet-filtered");

    driver.findElement(By.cssSelector("tr[data-host='" + DGX2 + "'] a")).click();
    waiting().until(ExpectedConditions.urlContains("/hosts/" + DGX2));
    waitForGraph();
  }

  @Test
  void fleetSortsByColumn() {
    driver.get(url("/"));
    driver.findElement(By.id("sort-pci")).click();
    waiting().until(ExpectedConditions.urlContains("sort=pciFunctions"));
    List<Integer> pci = new java.util.ArrayList<>();
    for (WebElement r : driver.findElements(By.cssSelector("#fleet tbody tr[data-host]"))) {
      List<WebElement> cells = r.findElements(By.tagName("td"));
      pci.add(Integer.parseInt(cells.get(5).getText().trim()));
    }
    assertTrue(pci.size() >= 2, pci.toString());
    for (int i = 1; i < pci.size(); i++) {
      assertTrue(pci.get(i - 1) >= pci.get(i), "most PCI functions first: " + pci);
    }
    assertEquals(
        "descending",
        driver.findElement(By.xpath("//a[@id='sort-pci']/..")).getAttribute("aria-sort"));
    driver.findElement(By.id("sort-name")).click();
    waiting().until(ExpectedConditions.not(ExpectedConditions.urlContains("sort=")));
  }
}
