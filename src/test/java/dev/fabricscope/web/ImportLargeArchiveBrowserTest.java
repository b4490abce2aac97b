package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The import page with archives of tens of MiB in real headless Chromium: the QEMU rig's real
 * gathered tree repacked with an incompressible padding file outside {@code sys/} (which the
 * importer does not read). Upload progress must be shown while the bytes go out, the host imported
 * with as many PCI functions as {@code lspci -vvv} lists beside the capture; an archive over the
 * import limit is refused with a message a person can read. Uploads are throttled through the
 * DevTools protocol (as its network panel does) to a rate that spreads the upload over about a
 * second: XMLHttpRequest reports upload progress about every 50 ms, and on a fast machine loopback
 * could otherwise finish between two reports (on this 2-core machine it does not: the test also
 * passes unthrottled).
 */
@QuarkusTest
class ImportLargeArchiveBrowserTest extends BrowserTest {

  static final Path RIG = Path.of("sysfs/qemu-rig-plain.tar.gz");

  /** Upload rate while a test runs: 32 MiB/s, about a second for the large archive. */
  static final long UPLOAD_BYTES_PER_SECOND = 32L << 20;

  static String operator;

  @TempDir Path temp;

  @Override
  String screenshotPrefix() {
    return "import-large-";
  }

  @BeforeEach
  void setUp() {
    if (operator == null) {
      operator = ApiClient.token("large-import-operator-" + System.nanoTime(), "operator", null);
    }
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand(
        "Network.emulateNetworkConditions",
        Map.of(
            "offline",
            false,
            "latency",
            0,
            "downloadThroughput",
            -1,
            "uploadThroughput",
            UPLOAD_BYTES_PER_SECOND));
  }

  @AfterEach
  void unthrottle() {
    if (driver != null) {
      driver.executeCdpCommand(
          "Network.emulateNetworkConditions",
          Map.of("offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }
  }

  /**
   * The rig's real archive, every entry copied as it is, plus {@code padding/random.bin} of {@code
   * paddingBytes} random (incompressible) bytes, gzipped as a gather writes it.
   */
  Path repackedWithPadding(long paddingBytes) throws Exception {
    Path out = temp.resolve("rig-plus-" + paddingBytes + ".tar.gz");
    try (InputStream in = Files.newInputStream(Fixtures.root().resolve(RIG));
        TarArchiveInputStream tin = new TarArchiveInputStream(new GzipCompressorInputStream(in));
        OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20);
        GZIPOutputStream gz =
            new GZIPOutputStream(file, 1 << 16) {
              {
                def.setLevel(Deflater.BEST_SPEED); // random bytes do not shrink anyway
              }
            };
        TarArchiveOutputStream tout = new TarArchiveOutputStream(gz)) {
      tout.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tout.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TarArchiveEntry e = tin.getNextEntry(); e != null; e = tin.getNextEntry()) {
        tout.putArchiveEntry(e);
        if (e.isFile()) {
          tin.transferTo(tout);
        }
        tout.closeArchiveEntry();
      }
      TarArchiveEntry dir = new TarArchiveEntry("padding/");
      tout.putArchiveEntry(dir);
      tout.closeArchiveEntry();
      TarArchiveEntry pad = new TarArchiveEntry("padding/random.bin");
      pad.setSize(paddingBytes);
      tout.putArchiveEntry(pad);
      Random random = new Random(14);
      byte[] chunk = new byte[1 << 20];
      for (long left = paddingBytes; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        tout.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      tout.closeArchiveEntry();
    }
    return out;
  }

  /**
   * PCI functions {@code lspci -vvv} lists beside the capture: one line starting with a BDF each
   * (the file also holds lspci's own warning).
   */
  static long lspciFunctions() throws Exception {
    return Files.readAllLines(Fixtures.root().resolve("sysfs/qemu-rig-plain/lspci-vvv.txt"))
        .stream()
        .filter(l -> l.matches("[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] .*"))
        .count();
  }

  /**
   * Opens the import page, starts recording (the progress bar's value and max at every change, the
   * status line, the result appearing) and submits {@code archive} as {@code host}.
   */
  void submit(Path archive, String host) {
    driver.get(url("/import"));
    waiting().until(ExpectedConditions.attributeToBe(By.id("import-form"), "data-ready", "true"));
    ((JavascriptExecutor) driver)
        .executeScript(
            "window.seen = [];"
                + " const p = document.getElementById('import-progress');"
                + " const s = document.getElementById('import-status');"
                + " const r = document.getElementById('import-result');"
                + " new MutationObserver(() => { if (p.hasAttribute('value'))"
                + "   seen.push({ what: 'progress', value: p.value, max: p.max }); })"
                + "   .observe(p, { attributes: true, attributeFilter: ['value', 'max'] });"
                + " new MutationObserver(() => seen.push({ what: 'status', text: s.textContent }))"
                + "   .observe(s, { childList: true, characterData: true, subtree: true });"
                + " new MutationObserver(() => { if (!r.hidden)"
                + "   seen.push({ what: 'result', state: r.dataset.state }); })"
                + "   .observe(r, { attributes: true, attributeFilter: ['hidden'] });");
    driver.findElement(By.id("import-file")).sendKeys(archive.toString());
    driver.findElement(By.id("import-host")).sendKeys(host);
    driver.findElement(By.id("import-token")).clear();
    driver.findElement(By.id("import-token")).sendKeys(operator);
    driver.findElement(By.id("import-submit")).click();
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> seen() {
    return (List<Map<String, Object>>)
        ((JavascriptExecutor) driver).executeScript("return window.seen;");
  }

  @Test
  void aLargeArchiveShowsItsUploadProgressAndIsImported() throws Exception {
    Path archive = repackedWithPadding(40L << 20);
    long size = Files.size(archive);
    assertTrue(size > 40L << 20 && size < Importers.MAX_BYTES, "size " + size);
    String host = "large-archive-" + System.nanoTime();
    submit(archive, host);
    waiting().until(ExpectedConditions.attributeToBe(By.id("import-result"), "data-state", "ok"));

    List<Map<String, Object>> seen = seen();
    int result = -1;
    int lastIntermediate = -1;
    double previous = 0;
    for (int i = 0; i < seen.size(); i++) {
      Map<String, Object> e = seen.get(i);
      if ("result".equals(e.get("what")) && result < 0) {
        result = i;
      } else if ("progress".equals(e.get("what")) && ((Number) e.get("max")).longValue() == size) {
        double v = ((Number) e.get("value")).doubleValue();
        assertTrue(v >= previous, "progress never goes back: " + seen);
        previous = v;
        if (v > 0 && v < size) {
          lastIntermediate = i;
        }
      }
    }
    assertTrue(result > 0, "the result was shown: " + seen);
    long intermediates =
        seen.subList(0, result).stream()
            .filter(e -> "progress".equals(e.get("what")))
            .filter(e -> ((Number) e.get("value")).doubleValue() < size)
            .filter(e -> ((Number) e.get("value")).doubleValue() > 0)
            .count();
    assertTrue(intermediates >= 3, "several values between 0 and " + size + ": " + seen);
    assertTrue(lastIntermediate < result, "progress before the result: " + seen);
    assertEquals(size, (long) previous, "the bar reached the file's size: " + seen);
    Pattern percent = Pattern.compile("Uploading rig-plus-\\d+\\.tar\\.gz: (\\d+) %");
    assertTrue(
        seen.stream()
            .filter(e -> "status".equals(e.get("what")))
            .map(e -> percent.matcher(String.valueOf(e.get("text"))))
            .filter(Matcher::matches)
            .mapToInt(m -> Integer.parseInt(m.group(1)))
            .anyMatch(p -> p > 0 && p < 100),
        "the status line counted percents: " + seen);

    assertEquals(host, driver.findElement(By.id("import-host-link")).getText());
    assertTrue(
        driver
            .findElement(By.id("import-host-link"))
            .getAttribute("href")
            .endsWith("/hosts/" + host));
    assertEquals("CREATED", driver.findElement(By.id("import-outcome")).getText());
    assertEquals(
        String.valueOf(lspciFunctions()), driver.findElement(By.id("import-pci")).getText());
    assertFalse(driver.findElement(By.id("import-progress")).isDisplayed());
    // the imported host's page opens with the same functions
    driver.findElement(By.id("import-host-link")).click();
    waiting().until(d -> d.getTitle().contains(host));
    assertTrue(
        driver
            .findElement(By.cssSelector("#host-page .summary"))
            .getText()
            .contains(lspciFunctions() + " PCI functions"));
  }

  @Test
  void anArchiveOverTheLimitIsRefusedReadably() throws Exception {
    Path archive = repackedWithPadding(Importers.MAX_BYTES);
    long size = Files.size(archive);
    assertTrue(size > Importers.MAX_BYTES, "size " + size);
    String host = "too-large-archive-" + System.nanoTime();
    submit(archive, host);
    waiting()
        .until(ExpectedConditions.attributeToBe(By.id("import-result"), "data-state", "failed"));
    String title = driver.findElement(By.cssSelector("#import-result h2")).getText();
    String detail = driver.findElement(By.id("import-detail")).getText();
    assertEquals("Import too large (HTTP 413)", title);
    assertEquals(
        String.format(
            java.util.Locale.ROOT,
            "an import may be at most 64.0 MiB (67,108,864 bytes); this one is %.1f MiB (%,d"
                + " bytes)",
            size / (double) (1L << 20),
            size),
        detail);
    assertTrue(
        seen().stream().anyMatch(e -> "progress".equals(e.get("what"))),
        "the upload showed progress before the refusal");
    ImportPageBrowserTest.expectOnlyTheRejectedUpload(413);
    // nothing was stored
    io.restassured.RestAssured.given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/" + host)
        .then()
        .statusCode(404);
  }
}
