package dev.fabricscope.inventory;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up both inventory contracts share: a {@link JdbcInventoryStore} on a migrated database
 * whose tables are emptied before each test, so counts are absolute.
 */
abstract class InventoryStoreSetup {

  InventoryStore store;

  /** A migrated database, shared by the tests of one class. */
  protected abstract DataSource dataSource();

  @BeforeEach
  void emptyStore() throws Exception {
    TestDatabases.clear(dataSource());
    store = new JdbcInventoryStore(dataSource());
  }
}
