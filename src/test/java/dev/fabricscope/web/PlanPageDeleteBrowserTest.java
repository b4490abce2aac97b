package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Deleting a plan in headless Chromium (issue 13's plan UI): from the plans list and from the plan
 * page, each after a confirmation beside the button, with the operator token; without one the
 * server's 401 is shown and the plan stays. What is deleted is checked through the API.
 */
@QuarkusTest
class PlanPageDeleteBrowserTest extends BrowserTest {

  static final String HOST = "plan-delete-p4d";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "plan-delete-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("plan-delete-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "nccl-xml/aws-p4d-24xl-topo.xml", HOST);
    }
  }

  long create(String name) {
    return ApiClient.createPlan(operator, HOST, name);
  }

  int status(long id) {
    return given().get("/api/v1/plans/" + id).then().extract().statusCode();
  }

  @Test
  void deleteFromTheListAsksFirstAndNeedsAnOperator() {
    long keep = create("kept plan");
    long gone = create("doomed plan");
    driver.get(url("/plans"));
    js().executeScript("sessionStorage.clear()");
    driver.navigate().refresh();
    waiting().until(ExpectedConditions.attributeToBe(By.id("plans-page"), "data-ready", "true"));
    assertEquals("", driver.findElement(By.id("plans-token")).getAttribute("value"));

    // Cancel: nothing is sent, the button comes back
    deleteButton(keep).click();
    WebElement cancel = confirmBox().findElement(By.cssSelector("button[data-confirm='cancel']"));
    assertTrue(confirmBox().getText().contains("kept plan"), confirmBox().getText());
    cancel.click();
    assertTrue(driver.findElements(By.cssSelector("span.confirm")).isEmpty());
    assertTrue(deleteButton(keep).isDisplayed());
    assertEquals(200, status(keep));

    // no token: the server's 401 is shown, the plan and its row stay
    deleteButton(gone).click();
    confirmBox().findElement(By.cssSelector("button[data-confirm='delete']")).click();
    WebElement status =
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("plans-status")));
    waiting().until(ExpectedConditions.textToBePresentInElement(status, "Not deleted"));
    assertTrue(status.getText().contains("401") && status.getText().contains("operator token"));
    assertEquals(200, status(gone));
    assertTrue(deleteButton(gone).isDisplayed());
    // Chromium logs the 401 answer as a console error: that one, and nothing else
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertEquals(1, severe.size(), severe.toString());
    assertTrue(
        severe.get(0).getMessage().contains("/api/v1/plans/" + gone)
            && severe.get(0).getMessage().contains("401"),
        severe.toString());

    // with the token: deleted, the row leaves the table, the other plan stays
    driver.findElement(By.id("plans-token")).sendKeys(operator);
    deleteButton(gone).click();
    confirmBox().findElement(By.cssSelector("button[data-confirm='delete']")).click();
    waiting()
        .until(
            ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("#plans tr[data-plan='" + gone + "']"), 0));
    assertEquals("Deleted plan doomed plan.", driver.findElement(By.id("plans-status")).getText());
    assertEquals(404, status(gone));
    assertEquals(200, status(keep));
    assertFalse(
        driver.findElements(By.cssSelector("#plans tr[data-plan='" + keep + "']")).isEmpty());
  }

  /**
   * Enter in the token field sends no form: the pages' bundle stops it, as an inline handler did
   * before the Content-Security-Policy ran no inline script (fourteenth security review). The
   * policy itself is checked on every browser test: a refused script is a console error.
   */
  @Test
  void enterInTheTokenFieldStaysOnThePage() throws Exception {
    create("enter plan");
    driver.get(url("/plans"));
    waiting().until(ExpectedConditions.attributeToBe(By.id("plans-page"), "data-ready", "true"));
    js().executeScript("window.stayed = true");
    driver.findElement(By.id("plans-token")).sendKeys("abc" + org.openqa.selenium.Keys.ENTER);
    Thread.sleep(500); // a form sent would be loading its answer by now
    assertEquals(Boolean.TRUE, js().executeScript("return window.stayed === true"));
    assertTrue(driver.getCurrentUrl().endsWith("/plans"), driver.getCurrentUrl());
  }

  @Test
  void deleteFromThePlanPageGoesBackToTheList() {
    long id = create("page-deleted plan");
    driver.get(url("/plans/" + id));
    waiting()
        .until(
            d ->
                "ready".equals(d.findElement(By.id("plan-page")).getAttribute("data-state"))
                    && "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state")));
    WebElement token = driver.findElement(By.id("plan-token"));
    token.clear();
    token.sendKeys(operator);
    driver.findElement(By.id("plan-delete")).click();
    assertTrue(confirmBox().getText().contains("page-deleted plan"), confirmBox().getText());
    confirmBox().findElement(By.cssSelector("button[data-confirm='delete']")).click();
    waiting().until(ExpectedConditions.urlMatches("/plans$"));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("plans-page")));
    assertTrue(driver.findElements(By.cssSelector("#plans tr[data-plan='" + id + "']")).isEmpty());
    assertEquals(404, status(id));
  }

  WebElement deleteButton(long id) {
    return driver.findElement(By.cssSelector("#plans button.plan-delete[data-plan='" + id + "']"));
  }

  WebElement confirmBox() {
    return waiting()
        .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("span.confirm")));
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }
}
