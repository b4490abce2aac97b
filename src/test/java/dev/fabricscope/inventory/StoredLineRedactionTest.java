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
 * The kernel command lines of reports stored before reports were redacted ({@link
 * StoredLineRedaction}, run by the server after its start): afterwards the stored snapshot (served
 * as it is) and a plan's copy no longer hold the credential, the parameters that bear on the fabric
 * stay, the content hash stays, and the host's byte count is again the sum of its rows' sizes as
 * the database measures them ({@code OCTET_LENGTH}). On H2 and on a real PostgreSQL.
 */
class StoredLineRedactionTest {

  static final String SECRET = "netroot=iscsi:admin:S3cret@10.0.0.1::3260::iqn.2026-12.x:t";

  static final String OLD_LINE = "BOOT_IMAGE=/vmlinuz intel_iommu=on iommu=pt " + SECRET + " quiet";

  @TempDir Path dir;

  @Test
  void h2() throws Exception {
    try (var db = new Database(Database.h2FileUrl(dir.resolve("old")), null, null, 2)) {
      redactAfterUpgrade(db.dataSource());
    }
  }

  @Test
  void postgres() throws Exception {
    try (EmbeddedPostgres pg = TestPostgres.start();
        var db = new Database(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, 2)) {
      redactAfterUpgrade(db.dataSource());
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

  private void redactAfterUpgrade(DataSource ds) throws Exception {
    // Database migrates to the newest version on open: start again on a clean schema
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(ds)
        .locations("classpath:db/migration")
        .cleanDisabled(false)
        .load()
        .clean();
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("8")
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
    StoredLineRedaction redaction = new StoredLineRedaction(ds);
    assertFalse(redaction.done());
    assertEquals(2, redaction.run(), "one snapshot and one plan");
    assertTrue(redaction.done());
    assertEquals(0, redaction.run(), "again: nothing left to change");

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

  @Test
  void besideIngestsThatPruneTheCountsStayTrueH2() throws Exception {
    try (var db = new Database(Database.h2FileUrl(dir.resolve("busy")), null, null, 4)) {
      redactBesideIngests(db.dataSource());
    }
  }

  @Test
  void besideIngestsThatPruneTheCountsStayTruePostgres() throws Exception {
    try (EmbeddedPostgres pg = TestPostgres.start();
        var db = new Database(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, 4)) {
      redactBesideIngests(db.dataSource());
    }
  }

  /**
   * Old snapshots of five hosts (each with the credential) redacted while the same hosts' agents
   * send new reports that prune them (at most 30 kept): no deadlock, no failure, and afterwards no
   * stored report holds the credential and every host's byte count is the sum its rows have.
   */
  private void redactBesideIngests(DataSource ds) throws Exception {
    var store = new JdbcInventoryStore(ds, new InventoryStore.Retention(30, Long.MAX_VALUE));
    java.util.Random random = new java.util.Random(25);
    for (int i = 0; i < 200; i++) {
      String host = "busy-" + (i % 5);
      store.ingest(
          new InventoryStore.Ingest(
              host,
              Jdbc.gunzip(report(host, OLD_LINE + " x" + i)).getBytes(StandardCharsets.UTF_8),
              "old-" + i,
              null,
              false,
              null,
              Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)));
    }
    var ingests =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 150; i++) {
                String host = "busy-" + random.nextInt(5);
                try {
                  store.ingest(
                      new InventoryStore.Ingest(
                          host,
                          Jdbc.gunzip(report(host, "intel_iommu=on n" + i))
                              .getBytes(StandardCharsets.UTF_8),
                          "new-" + i,
                          null,
                          false,
                          null,
                          Instant.parse("2026-02-01T00:00:00Z").plusSeconds(i)));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    new StoredLineRedaction(ds).run();
    ingests.get(120, java.util.concurrent.TimeUnit.SECONDS);
    new StoredLineRedaction(ds).run(); // what the ingests stored meanwhile was redacted at ingest
    try (Connection c = ds.getConnection();
        var s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT report FROM snapshots")) {
        while (rs.next()) {
          String json = Jdbc.gunzip(rs.getBytes(1));
          assertFalse(json.contains("S3cret"), json);
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT h.name, h.snapshot_bytes, (SELECT SUM(OCTET_LENGTH(report)) FROM snapshots"
                  + " x WHERE x.host_id = h.id), h.snapshot_count, (SELECT COUNT(*) FROM"
                  + " snapshots x WHERE x.host_id = h.id) FROM hosts h")) {
        int hosts = 0;
        while (rs.next()) {
          hosts++;
          assertEquals(rs.getLong(3), rs.getLong(2), rs.getString(1) + " bytes");
          assertEquals(rs.getLong(5), rs.getLong(4), rs.getString(1) + " count");
        }
        assertEquals(5, hosts);
      }
    }
  }
}
