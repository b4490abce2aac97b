package dev.fabricscope.inventory;

import dev.fabricscope.config.FabricscopeConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Makes {@link Database}, {@link InventoryStore}, {@link TokenStore}, {@link BandwidthJobStore} and
 * {@link AgentCapabilityStore} (and {@link PlanStore}, {@link FabricDiscoveryStore}, {@link
 * OfferStore}) injectable. All settings are read at run time, so one build runs on H2 or
 * PostgreSQL:
 *
 * <ul>
 *   <li>{@code fabricscope.db.url}: JDBC URL; unset means an H2 file database in {@code
 *       fabricscope.data-dir} (default {@code ./data}, created if missing) with {@link
 *       Database#H2_SETTINGS}.
 *   <li>{@code fabricscope.db.user}, {@code fabricscope.db.password}: optional credentials.
 *   <li>{@code fabricscope.db.pool-size}: connections in the pool (default 8).
 * </ul>
 *
 * The database is opened and migrated at startup, so a bad URL or a failed migration stops the
 * server rather than its first request; the pool is closed at shutdown.
 */
@ApplicationScoped
public class DatabaseProducer {

  private static final Logger LOG = Logger.getLogger(DatabaseProducer.class);

  @Inject FabricscopeConfig config;

  @Produces
  @Singleton
  Database database() {
    FabricscopeConfig.Db db = config.db();
    String jdbcUrl =
        db.url().filter(u -> !u.isBlank()).orElseGet(() -> Database.h2FileUrl(config.dataDir()));
    int poolSize = Math.max(1, db.poolSize());
    var database =
        new Database(jdbcUrl, db.user().orElse(null), db.password().orElse(null), poolSize);
    // The URL without parameters: enough to tell which database, never a password.
    LOG.infof("Inventory database %s (pool of %d)", jdbcUrl.split(";|\\?")[0], poolSize);
    return database;
  }

  void close(@Disposes Database database) {
    database.close();
  }

  @Produces
  @Singleton
  InventoryStore inventoryStore(Database database) {
    var history = config.history();
    return new JdbcInventoryStore(
        database.dataSource(),
        new InventoryStore.Retention(history.maxSnapshotsPerHost(), history.maxBytesPerHost()),
        database.snapshotSpace(history.minFreeDisk()),
        history.maxHosts(),
        dev.fabricscope.config.HistoryConfig.agentReserve(history));
  }

  @Produces
  @Singleton
  TokenStore tokenStore(Database database) {
    return new JdbcTokenStore(database.dataSource());
  }

  @Produces
  @Singleton
  BandwidthJobStore bandwidthJobStore(Database database) {
    var b = config.bandwidth();
    return new JdbcBandwidthJobStore(
        database.dataSource(),
        new JobRetention(b.keptPerHost(), b.rawOutputsPerHost()),
        database.snapshotSpace(config.history().minFreeDisk()));
  }

  @Produces
  @Singleton
  AgentCapabilityStore agentCapabilityStore(Database database) {
    return new JdbcAgentCapabilityStore(database.dataSource());
  }

  @Produces
  @Singleton
  PlanStore planStore(Database database) {
    return new JdbcPlanStore(
        database.dataSource(),
        new PlanStore.Limits(
            config.plans().maxPerCreator(),
            config.plans().maxVersions(),
            config.plans().maxBytes()),
        database.snapshotSpace(config.history().minFreeDisk()));
  }

  @Produces
  @Singleton
  FabricDiscoveryStore fabricDiscoveryStore(Database database) {
    return new JdbcFabricDiscoveryStore(database.dataSource());
  }

  @Produces
  @Singleton
  OfferStore offerStore(Database database) {
    return new JdbcOfferStore(database.dataSource());
  }

  /** Opens and migrates the database at startup rather than on first use. */
  void onStart(@Observes StartupEvent event, Database database) {
    // Injecting the bean is enough to create it.
  }
}
