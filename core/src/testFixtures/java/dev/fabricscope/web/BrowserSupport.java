package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Debian Chromium through Debian's chromedriver (no driver or browser download), with the
 * browser console captured so tests fail on any error there. Used by the server's page tests and
 * the agent's end-to-end page test.
 */
public final class BrowserSupport {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private BrowserSupport() {}

  /** Skips the calling test when the browser or its driver is not installed. */
  public static void assumeBrowser() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)");
  }

  private static final java.util.Map<WebDriver, Path> PROFILES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A fresh headless Chromium with its own profile directory ({@link #stop} removes it). */
  public static ChromeDriver start() throws IOException {
    Path profile = Files.createTempDirectory("fabricscope-chromium-");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toString());
    o.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1250",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    PROFILES.put(driver, profile);
    return driver;
  }

  /** Quits the browser and deletes its profile directory. */
  public static void stop(WebDriver driver) throws IOException {
    driver.quit();
    Path profile = PROFILES.remove(driver);
    if (profile != null && Files.exists(profile)) {
      try (var paths = Files.walk(profile)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Saves a screenshot as {@code target/screenshots/NAME.png} and returns its path. */
  public static Path screenshot(WebDriver driver, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path out = SCREENSHOTS.resolve(name + ".png");
    Files.copy(f.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    return out;
  }

  /** Fails when the browser console has logged an error (SEVERE) since the last call. */
  public static void assertNoConsoleErrors(WebDriver driver) {
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    if (!severe.isEmpty()) {
      fail("browser console errors: " + severe);
    }
  }
}
