package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V8 redacts the kernel command lines of reports stored before reports were redacted: after the
 * upgrade, the stored snapshot (served as it is) and a plan's copy no longer hold the credential,
 * the parameters that bear on the fabric stay, the content hash stays, and the host's byte count is
 * again the sum of its rows' sizes as the database measures them ({@code OCTET_LENGTH}). On H2 and
 * on a real PostgreSQL.
 */
class KernelCommandLineRedactionTest {

  static final String SECRET = "netroot=iscsi:admin:S3cret@10.0.0.1::3260::iqn.2026-12.x:t";

  static final String OLD_LINE = "BOOT_IMAGE=/vmlinuz intel_iommu=on iommu=pt " + SECRET + " quiet";

  @TempDir Path dir;

  @Test
  void h2() throws Exception {
    try (var db = new Database(Database.h2FileUrl(dir.resolve("old")), null, null, 2)) {
      upgradeFromV7(db.dataSource());
    }
  }

  @Test
  void postgres() throws Exception {
    try (EmbeddedPostgres pg = TestPostgres.start();
        var db = new Database(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, 2)) {
      upgradeFromV7(db.dataSource());
    }
  }

  static byte[] report(String host, String cmdline) throws Exception {
    String json =
        "{\"schemaVersion\":1,\"host\":{\"name\":"
            + new ObjectMapper().writeValueAsString(host)
            + (cmdline == null
                ? ""
                : ",\"kernelCommandLine\":" + new ObjectMapper().writeValueAsString(cmdline))
            + "},\"pci\":[]}";
    return Jdbc.gzip(json.getBytes(StandardCharsets.UTF_8));
  }

  private void upgradeFromV7(DataSource ds) throws Exception {
    // Database migrates to the newest version on open: start again from V7 on a clean schema
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(ds)
        .locations("classpath:db/migration")
        .cleanDisabled(false)
        .load()
        .clean();
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("7")
        .load()
        .migrate();
    byte[][] rows = {
      report("old-a", OLD_LINE), // an old agent's: the credential
      report("old-a", "intel_iommu=on quiet"), // nothing to redact
      report("old-a", null) // no command line
    };
    long bytes = 0;
    try (Connection c = ds.getConnection()) {
      try (var s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO hosts (id, name, first_seen, last_seen, imported) VALUES (1, 'old-a',"
                + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)");
      }
      for (int i = 0; i < rows.length; i++) {
        try (var ps =
            c.prepareStatement(
                "INSERT INTO snapshots (id, host_id, received_at, content_hash, imported, report,"
                    + " report_bytes) VALUES (?, 1, ?, ?, FALSE, ?, ?)")) {
          ps.setLong(1, 11 + i);
          ps.setTimestamp(2, Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)));
          ps.setString(3, "hash-" + i);
          ps.setBytes(4, rows[i]);
          ps.setLong(5, rows[i].length);
          ps.executeUpdate();
        }
        bytes += rows[i].length;
      }
      try (var ps =
          c.prepareStatement(
              "UPDATE hosts SET latest_snapshot_id = 13, latest_hash = 'hash-2',"
                  + " snapshot_count = 3, snapshot_bytes = ? WHERE id = 1")) {
        ps.setLong(1, bytes);
        ps.executeUpdate();
      }
      try (var ps =
          c.prepareStatement(
              "INSERT INTO plans (id, name, host, snapshot_id, base_report, created, created_by)"
                  + " VALUES (5, 'p', 'old-a', 11, ?, CURRENT_TIMESTAMP, 'op')")) {
        ps.setBytes(1, rows[0]);
        ps.executeUpdate();
      }
    }

    Database.migrate(ds);

    var store = new JdbcInventoryStore(ds);
    String first = store.snapshotJson(11).orElseThrow();
    assertFalse(first.contains("S3cret"), first);
    assertTrue(
        first.contains("\"kernelCommandLine\":\"BOOT_IMAGE=<redacted> intel_iommu=on"), first);
    assertEquals(
        "intel_iommu=on quiet",
        new ObjectMapper()
            .readTree(store.snapshotJson(12).orElseThrow())
            .path("host")
            .path("kernelCommandLine")
            .asText());
    try (Connection c = ds.getConnection();
        var s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT base_report FROM plans WHERE id = 5")) {
        rs.next();
        String plan = Jdbc.gunzip(rs.getBytes(1));
        assertFalse(plan.contains("S3cret"), plan);
        assertEquals(first, plan);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT h.snapshot_bytes, (SELECT SUM(OCTET_LENGTH(report)) FROM snapshots),"
                  + " (SELECT SUM(report_bytes) FROM snapshots),"
                  + " (SELECT content_hash FROM snapshots WHERE id = 11) FROM hosts h")) {
        rs.next();
        assertEquals(rs.getLong(2), rs.getLong(1), "the host's byte count");
        assertEquals(rs.getLong(2), rs.getLong(3), "each row's byte count");
        assertEquals("hash-0", rs.getString(4));
      }
      // the unchanged rows kept their bytes
      try (var ps = c.prepareStatement("SELECT report FROM snapshots WHERE id = ?")) {
        for (int i = 1; i < rows.length; i++) {
          ps.setLong(1, 11 + i);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            org.junit.jupiter.api.Assertions.assertArrayEquals(rows[i], rs.getBytes(1));
          }
        }
      }
    }
  }
}
