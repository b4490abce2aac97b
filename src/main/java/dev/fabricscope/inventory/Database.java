package dev.fabricscope.inventory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The store's database: a HikariCP pool on a JDBC URL chosen at run time (H2 file by default,
 * PostgreSQL in production) with the Flyway migrations applied. Plain JDBC on purpose: Quarkus
 * datasources fix the database kind at build time, and one build must run on both.
 *
 * <p>Closing it closes the pool; with an embedded H2 that also closes the database file cleanly,
 * because H2 closes a database when its last connection goes.
 */
public final class Database implements AutoCloseable {

  /**
   * H2 settings appended to the default file URL.
   *
   * <ul>
   *   <li>{@code WRITE_DELAY=0}: every commit writes its MVStore chunk to the file before the
   *       commit returns (H2 2.x calls {@code MVStore.commit()} when the auto-commit delay is 0).
   *       The default of 500 ms acknowledges commits that a killed process then loses, which breaks
   *       "every 2xx is durable". H2 does not fsync on each commit, so a power loss can still drop
   *       the last commits from the OS cache; PostgreSQL is the answer where that matters.
   *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: H2's own shutdown hook would close the database under
   *       in-flight requests; the pool is closed by the application at shutdown instead.
   *   <li>{@code LOCK_TIMEOUT=10000}: row locks ({@code SELECT ... FOR UPDATE} in ingest) wait up
   *       to 10 s instead of H2's 1 s, so bursts of reports for one host queue rather than fail.
   * </ul>
   */
  public static final String H2_SETTINGS =
      "WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

  private final HikariDataSource pool;
  private final String url;
  private final String user;
  private final String password;

  /** The folder of the embedded H2 file, or null (PostgreSQL, in-memory or server-mode H2). */
  private final Path h2Folder;

  /** Hands deleted snapshots' space back to the H2 file; null where {@link #h2Folder} is. */
  private final H2Housekeeping housekeeping;

  /**
   * Opens the pool and migrates the schema.
   *
   * @param url JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...})
   * @param user user name, or null
   * @param password password, or null
   * @param poolSize maximum connections in the pool
   */
  public Database(String url, String user, String password, int poolSize) {
    this.url = url;
    this.user = user;
    this.password = password;
    var config = new HikariConfig();
    config.setPoolName("fabricscope");
    config.setJdbcUrl(url);
    driverClass(url).ifPresent(config::setDriverClassName);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    // Fixed-size pool: few connections, no churn (an embedded H2 would reopen files otherwise).
    config.setMinimumIdle(poolSize);
    this.pool = new HikariDataSource(config);
    try {
      migrate(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    this.h2Folder = h2FileFolder(url).orElse(null);
    this.housekeeping = h2Folder == null ? null : new H2Housekeeping(pool);
  }

  /**
   * The folder of an embedded H2 file database's URL ({@code jdbc:h2:file:PATH} or {@code
   * jdbc:h2:PATH}), or empty: in-memory ({@code mem:}), server-mode ({@code tcp:}, {@code ssl:})
   * and other H2 file systems, or not H2.
   */
  static Optional<Path> h2FileFolder(String url) {
    if (!url.startsWith("jdbc:h2:")) {
      return Optional.empty();
    }
    String name = url.substring("jdbc:h2:".length()).split(";", 2)[0];
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    } else if (name.matches("^[A-Za-z][A-Za-z0-9]+:.*")) {
      return Optional.empty();
    }
    if (name.startsWith("~")) {
      name = System.getProperty("user.home") + name.substring(1);
    }
    Path parent = Path.of(name).toAbsolutePath().normalize().getParent();
    return Optional.ofNullable(parent);
  }

  /**
   * What the inventory asks of this database's storage around new snapshots: for an embedded H2
   * file, a floor of {@code minFreeBytes} free on the file's volume (0: none) and {@link
   * H2Housekeeping} after each new snapshot; else {@link SnapshotSpace#UNCHECKED}.
   */
  public SnapshotSpace snapshotSpace(long minFreeBytes) {
    if (h2Folder == null) {
      return SnapshotSpace.UNCHECKED;
    }
    return new SnapshotSpace() {
      @Override
      public void checkRoom(String refused) {
        SnapshotSpace.checkFloor(h2Folder, minFreeBytes, refused);
      }

      @Override
      public void changed() {
        housekeeping.request();
      }
    };
  }

  /** The housekeeping of an embedded H2 file, or null (for tests). */
  H2Housekeeping housekeeping() {
    return housekeeping;
  }

  /**
   * The default URL: an H2 file database {@code fabricscope} in {@code dataDir}, created if
   * missing.
   */
  public static String h2FileUrl(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
    // Absolute path: H2 rejects paths implicitly relative to the working directory.
    return "jdbc:h2:file:" + dir.resolve("fabricscope") + ";" + H2_SETTINGS;
  }

  /**
   * The driver for the bundled databases. Naming it makes HikariCP instantiate the driver itself
   * instead of asking {@code DriverManager}, whose registrations do not survive Quarkus's class
   * loaders (a test JVM that ran a Quarkus app before found no H2 driver afterwards).
   */
  static Optional<String> driverClass(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return Optional.of("org.h2.Driver");
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return Optional.of("org.postgresql.Driver");
    }
    return Optional.empty();
  }

  /** Applies the migrations in {@code db/migration} to {@code dataSource}. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** The JDBC URL (may carry a password in its parameters: not for logs). */
  public String url() {
    return url;
  }

  /** Whether this is PostgreSQL, where several server replicas may share the database. */
  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /**
   * A connection of its own, outside the pool, with the pool's URL and credentials: for a session
   * that lives as long as the server (PostgreSQL {@code LISTEN}), which would otherwise hold a pool
   * slot forever. The caller closes it.
   */
  public Connection openDedicated() throws SQLException {
    var props = new java.util.Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    java.sql.Driver driver =
        isPostgres() ? new org.postgresql.Driver() : java.sql.DriverManager.getDriver(url);
    Connection c = driver.connect(url, props);
    if (c == null) {
      throw new SQLException("no driver accepts " + url.split("[;?]")[0]);
    }
    return c;
  }

  /** The pool. */
  public DataSource dataSource() {
    return pool;
  }

  /** Whether a connection answers within {@code timeoutSeconds} (for the readiness check). */
  public boolean isReachable(int timeoutSeconds) {
    try (Connection c = pool.getConnection()) {
      return c.isValid(timeoutSeconds);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The database product, e.g. "H2" or "PostgreSQL", for diagnostics. */
  public String product() throws SQLException {
    try (Connection c = pool.getConnection()) {
      return c.getMetaData().getDatabaseProductName();
    }
  }

  @Override
  public void close() {
    if (housekeeping != null) {
      housekeeping.close();
    }
    pool.close();
  }
}
