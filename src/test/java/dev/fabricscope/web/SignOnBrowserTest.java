package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue 15: the pages work with single sign-on, anonymous reads off. Chromium opens a host page, is
 * sent to the provider's sign-in form, submits it and lands back on the page, whose scripts then
 * read the API with the session cookie alone (no token typed in). The sign-out page's button ends
 * the session; opening the page alone does not.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOnBrowserTest extends BrowserTest {

  static final String HOST = "sso-browser-host";

  @Override
  String screenshotPrefix() {
    return "sign-on-";
  }

  @Test
  void aPersonSignsOnAtTheProviderAndTheHostPageReadsTheApi() throws Exception {
    String operator =
        OidcWiremockTestResource.getAccessToken("otto", java.util.Set.of("fabricscope-operator"));
    importFile(operator, "hwloc-xml/24em64t-2n6c2t-pci.xml", HOST);

    driver.get(url("/hosts/" + HOST));
    // the provider's sign-in form (served by the in-process provider)
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("login"))).click();
    waiting().until(ExpectedConditions.urlContains("/hosts/" + HOST));
    // the provider's page has no favicon: the one console error that is not ours
    for (var e : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
      assertTrue(
          e.getLevel().intValue() < java.util.logging.Level.SEVERE.intValue()
              || e.getMessage().contains("/favicon.ico"),
          "console: " + e);
    }
    waiting().until(d -> d.getTitle().contains(HOST));

    Object status =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/hosts/"
                + HOST
                + "', {headers: {Accept: 'application/json'}})"
                + ".then(r => done(r.status), e => done(String(e)));");
    assertEquals(200L, status, "the page's own API reads ride on the session");
    assertTrue(
        driver.findElement(By.id("load-error")).getText().isEmpty(),
        "the page loaded its data without an error");

    // opening /logout signs nobody out; its button (a form POST with this server's Origin) does
    driver.get(url("/logout"));
    assertEquals(200L, apiStatus(), "still signed on with the sign-out page open");
    String before = driver.getCurrentUrl();
    driver.findElement(By.id("sign-out")).click();
    waiting().until(d -> !d.getCurrentUrl().equals(before));
    driver.get(url("/logout"));
    assertEquals(401L, apiStatus(), "signed out by the button");
    // the console's errors since: the test provider has no end-session page, and the 401 asked for
    for (var e : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
      assertTrue(
          e.getLevel().intValue() < java.util.logging.Level.SEVERE.intValue()
              || e.getMessage().contains("/openid-connect/end-session?")
              || e.getMessage().contains("/api/v1/hosts - Failed to load resource")
                  && e.getMessage().contains("401"),
          "console: " + e);
    }
  }

  private Object apiStatus() {
    return driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/api/v1/hosts', {headers: {Accept: 'application/json'}})"
            + ".then(r => done(r.status), e => done(String(e)));");
  }
}
