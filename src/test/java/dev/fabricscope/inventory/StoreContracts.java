package dev.fabricscope.inventory;

import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;

/**
 * Every store contract, once, for each database the stores run on: {@link H2InventoryStoreTest} and
 * {@link PostgresInventoryStoreTest} open their database and inherit these nested classes (JUnit
 * runs the nested classes a test class inherits), so a contract added here runs on both.
 */
abstract class StoreContracts {

  /** The database under test, opened by the subclass before its tests. */
  abstract DataSource dataSource();

  @Nested
  class Inventory extends InventoryStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class InventoryConcurrency extends InventoryConcurrencyContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class Tokens extends TokenStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class BandwidthJobs extends BandwidthJobStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class JobRetentions extends JobRetentionContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class JobClaims extends JobClaimContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class Plans extends PlanStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class FabricDiscoveries extends FabricDiscoveryStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class Offers extends OfferStoreContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class Retention extends SnapshotRetentionContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class HostLimit extends HostLimitContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }

  @Nested
  class HostCreators extends HostCreatorContract {
    @Override
    protected DataSource dataSource() {
      return StoreContracts.this.dataSource();
    }
  }
}
