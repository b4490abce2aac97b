package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V9 adds {@code hosts.created_by} to a database that has hosts: theirs stays unknown (null), also
 * after their next report, which does not insert the row; a host made afterwards records its
 * creator.
 */
class HostCreatorsMigrationTest {

  @TempDir Path dir;

  @Test
  void hostsMadeBeforeV9HaveNoCreatorAndGetNone() throws SQLException {
    String url = Database.h2FileUrl(dir.resolve("old"));
    try (var db = new Database(url, null, null, 2)) {
      // Database migrates to the newest version on open: start again from V8 on a clean schema
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations("classpath:db/migration")
          .cleanDisabled(false)
          .load()
          .clean();
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations("classpath:db/migration")
          .target("8")
          .load()
          .migrate();
      try (Connection c = db.dataSource().getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO hosts (name, first_seen, last_seen, imported) VALUES ('old-a',"
                + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, TRUE)");
      }
      Database.migrate(db.dataSource());
      var store = new JdbcInventoryStore(db.dataSource());
      assertNull(store.host("old-a").orElseThrow().createdBy());
      store.ingest(HostCreatorContract.by("old-a", "h1", 0, "token:late"));
      assertNull(store.host("old-a").orElseThrow().createdBy());
      store.ingest(HostCreatorContract.by("new-b", "h1", 0, "token:late"));
      assertEquals("token:late", store.host("new-b").orElseThrow().createdBy());
    }
  }
}
