package dev.fabricscope.inventory;

import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up both inventory contracts share: a {@link JdbcInventoryStore} on the emptied database
 * ({@link EmptiedDatabase}).
 */
abstract class InventoryStoreSetup extends EmptiedDatabase {

  InventoryStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = new JdbcInventoryStore(dataSource());
  }
}
