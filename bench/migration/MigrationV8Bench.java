import dev.fabricscope.inventory.Database;
import dev.fabricscope.inventory.StoredLineRedaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.flywaydb.core.Flyway;

/**
 * The redaction of stored kernel command lines (StoredLineRedaction, one row per transaction) on an H2 file database of ROWS snapshots of
 * a real report (REPORT: report JSON, e.g. `collect --of json` of a fixture), half of them carrying
 * an old agent's unredacted command line: the time of the redaction beside the time of a plain
 * read of every stored report (SELECT and gunzip, the least any rewrite must do), in one run.
 * Usage: java -cp CP MigrationV8Bench.java DIR REPORT ROWS
 */
public class MigrationV8Bench {
  static final String OLD =
      "BOOT_IMAGE=/vmlinuz-6.8 root=UUID=1234 ro intel_iommu=on iommu=pt"
          + " netroot=iscsi:admin:S3cret@10.0.0.1::3260::iqn.2026-12.x:t quiet";

  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    String report = Files.readString(Path.of(a[1]));
    int rows = Integer.parseInt(a[2]);
    // the report's own line replaced by the old agent's (or kept, already redacted)
    String marker = "\"kernelCommandLine\":";
    int at = report.indexOf(marker);
    if (at < 0) {
      throw new IllegalArgumentException("the report has no kernelCommandLine");
    }
    int end = report.indexOf('"', report.indexOf('"', at + marker.length()) + 1);
    while (report.charAt(end - 1) == '\\') {
      end = report.indexOf('"', end + 1);
    }
    String before = report.substring(0, at + marker.length());
    String after = report.substring(end + 1);
    byte[] oldRow = gzip(before + "\"" + OLD + "\"" + after);
    byte[] newRow = gzip(report);
    try (var db = new Database(Database.h2FileUrl(dir), null, null, 2)) {
      var ds = db.dataSource();
      Flyway.configure(Database.class.getClassLoader()).dataSource(ds)
          .locations("classpath:db/migration").cleanDisabled(false).load().clean();
      Flyway.configure(Database.class.getClassLoader()).dataSource(ds)
          .locations("classpath:db/migration").target("8").load().migrate();
      long bytes = 0;
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
          s.executeUpdate("INSERT INTO hosts (id, name, first_seen, last_seen, imported)"
              + " VALUES (1, 'bench', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)");
        }
        try (var ps = c.prepareStatement("INSERT INTO snapshots (id, host_id, received_at,"
            + " content_hash, imported, report, report_bytes) VALUES (?, 1, ?, ?, FALSE, ?, ?)")) {
          for (int i = 1; i <= rows; i++) {
            byte[] r = i % 2 == 0 ? oldRow : newRow;
            ps.setLong(1, i);
            ps.setTimestamp(2, Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)));
            ps.setString(3, "h" + i);
            ps.setBytes(4, r);
            ps.setLong(5, r.length);
            ps.addBatch();
            bytes += r.length;
            if (i % 500 == 0) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
        c.commit();
      }
      long t0 = System.nanoTime();
      long read = 0;
      try (Connection c = ds.getConnection(); var s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT report FROM snapshots")) {
        while (rs.next()) {
          read += new GZIPInputStream(new java.io.ByteArrayInputStream(rs.getBytes(1)))
              .readAllBytes().length;
        }
      }
      long t1 = System.nanoTime();
      int changed = new StoredLineRedaction(ds).run();
      long t2 = System.nanoTime();
      long left;
      try (Connection c = ds.getConnection(); var s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM snapshots")) {
        rs.next();
        left = rs.getLong(1);
      }
      System.out.printf("rows %d (%d with the old line), %.1f MB stored (%d bytes of JSON each)%n",
          rows, rows / 2, bytes / 1e6, report.length());
      System.out.printf("read and gunzip every row: %.2f s%n", (t1 - t0) / 1e9);
      System.out.printf("redaction:                 %.2f s (%.2f ms a row), %d changed, %d rows after%n",
          (t2 - t1) / 1e9, (t2 - t1) / 1e6 / rows, changed, left);
      System.out.printf("read bytes %d%n", read);
    }
  }

  static byte[] gzip(String s) throws Exception {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
