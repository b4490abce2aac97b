package dev.fabricscope.inventory;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every store contract: a migrated database, given by the test class that runs the
 * contract ({@link StoreContracts}), whose tables are emptied before each test, so counts are
 * absolute. JUnit runs this {@code @BeforeEach} before those of the contracts, which open their
 * store on {@link #dataSource()}.
 */
abstract class EmptiedDatabase {

  /** A migrated database, shared by the tests of one class. */
  protected abstract DataSource dataSource();

  @BeforeEach
  void emptyTables() throws Exception {
    TestDatabases.clear(dataSource());
  }
}
