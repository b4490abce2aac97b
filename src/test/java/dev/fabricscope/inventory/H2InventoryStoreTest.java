package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contracts on an H2 file database, opened the way the server opens it. */
class H2InventoryStoreTest extends StoreContracts {

  @Override
  DataSource dataSource() {
    return database.dataSource();
  }

  @TempDir static Path dir;
  static Database database;

  @BeforeAll
  static void open() {
    // A data directory that does not exist yet: Database creates it.
    database = new Database(Database.h2FileUrl(dir.resolve("data")), null, null, 8);
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void createsTheDataDirectoryAndMigrationIsIdempotent() throws Exception {
    assertTrue(Files.isDirectory(dir.resolve("data")));
    assertEquals("H2", database.product());
    Database.migrate(database.dataSource());
  }

  @Test
  void committedDataSurvivesReopening() throws Exception {
    Path other = dir.resolve("reopen");
    String url = Database.h2FileUrl(other);
    try (var db = new Database(url, null, null, 2)) {
      TestDatabases.clear(db.dataSource());
      new JdbcInventoryStore(db.dataSource())
          .ingest(InventoryStoreContract.report("kept", "h1", InventoryStoreContract.T0));
    }
    try (var db = new Database(url, null, null, 2)) {
      assertTrue(new JdbcInventoryStore(db.dataSource()).host("kept").isPresent());
    }
  }
}
