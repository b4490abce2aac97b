package dev.fabricscope.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code fabricscope.*} setting of the server, typed, with its default. Read once at start
 * from the usual MicroProfile sources (system properties {@code -Dfabricscope.db.url=...},
 * environment variables {@code FABRICSCOPE_DB_URL=...}, {@code application.properties}); {@link
 * ConfigCheck} refuses inconsistent values before anything else starts. {@code
 * docs/configuration.md} lists the same keys in one table (a test holds them equal).
 *
 * <p>Durations are written {@code 30s}, {@code 5m}, {@code 1h}, {@code 200ms} or ISO-8601 ({@code
 * PT5M}); a bare number is seconds.
 */
@ConfigMapping(prefix = "fabricscope")
public interface FabricscopeConfig {

  /** Folder of the embedded H2 database when {@code db.url} is unset (created if missing). */
  @WithDefault("./data")
  Path dataDir();

  /**
   * The bootstrap admin token's secret, used once: when no admin token exists at start. Unset: one
   * is generated and printed once.
   */
  Optional<String> adminToken();

  /**
   * Where uploaded and bundled archives are unpacked. Unset: {@code /dev/shm} when writable
   * (tmpfs), else {@code java.io.tmpdir}, in the user's own subfolder there ({@link
   * dev.fabricscope.api.ImportFolder}).
   */
  Optional<Path> tmpdir();

  /**
   * Bytes of request bodies the server reads at once, all writes together (bytes, at least 64 MiB:
   * the largest import). Unset: an eighth of the JVM's maximum heap. One more body is a 503 with
   * Retry-After before it is read.
   */
  java.util.OptionalLong requestBodyBudget();

  /**
   * The least pace of a request body being read (bytes per second, over windows of 10 s; 0: no
   * check). A body slower than this is a 408 and its connection is closed, so a trickled upload
   * cannot hold its share of the body budget.
   */
  @WithDefault("65536")
  long requestBodyMinRate();

  /**
   * The least pace at which a client must take a whole report it asked for ({@code /topology},
   * {@code /snapshots/{id}}, {@code /export}, a plan version's {@code /topology}), in bytes per
   * second over windows of 10 s (0: no check). A slower client is cut off, so a socket that stops
   * reading cannot hold one of the few places these answers share (nginx's {@code send_timeout}).
   */
  @WithDefault("32768")
  long answerMinRate();

  /**
   * The longest a client may take to read one whole report while places are scarce (0: no limit).
   * At the least pace a 16 MB text took eight minutes, and four viewers asking again and again held
   * every place (seventeenth security review); two minutes is about 137 KB/s for that text, and a
   * client that accepts gzip takes a twentieth of the bytes. With places to spare it does not
   * apply.
   */
  @WithDefault("2m")
  Duration answerMaxTime();

  /** Authentication. */
  Auth auth();

  /** Single sign-on: provider roles onto fabricscope roles. */
  Oidc oidc();

  /** The inventory database. */
  Db db();

  /** The bundled demo reports. */
  Demo demo();

  /** Report ingest. */
  Ingest ingest();

  /** Bandwidth tests. */
  BandwidthConfig bandwidth();

  /** Fleet findings. */
  Findings findings();

  /** The RDMA fabric page. */
  Fabric fabric();

  /** What the server expects of its agents. */
  Agent agent();

  /** Prometheus gauges. */
  Metrics metrics();

  /** The all-pairs P2P answers of {@code GET /api/v1/hosts/{host}/p2p}. */
  P2p p2p();

  /** File imports ({@code POST /api/v1/imports}). */
  Imports imports();

  /** How much history the inventory keeps per host. */
  HistoryConfig history();

  /** How many event streams may be open. */
  EventsConfig events();

  /** How many what-if plans and versions the server keeps. */
  PlansConfig plans();

  /** Agents that authenticate with Kubernetes service-account tokens. */
  KubernetesConfig kubernetes();

  /** Which host names anonymous reads are answered under. */
  HttpConfig http();

  /** {@code fabricscope.auth.*}. */
  interface Auth {
    /**
     * Whether callers without a token may read (never write). Off unless set: anonymous reads must
     * be a decision, never a side effect of where the server listens.
     */
    @WithDefault("false")
    boolean anonymousRead();
  }

  /**
   * {@code fabricscope.oidc.*}: which identity-provider roles (the {@code groups} claim unless
   * {@code quarkus.oidc.roles.role-claim-path} names another) make a signed-on person a viewer,
   * operator or admin; the highest match wins. Sign-on itself is {@code quarkus.oidc.*}.
   */
  interface Oidc {
    /** Provider roles that read. */
    @WithDefault("fabricscope-viewer")
    List<String> viewerRoles();

    /** Provider roles that also import and run bandwidth tests. */
    @WithDefault("fabricscope-operator")
    List<String> operatorRoles();

    /** Provider roles that may do everything, tokens included. */
    @WithDefault("fabricscope-admin")
    List<String> adminRoles();
  }

  /** {@code fabricscope.fabric.*}. */
  interface Fabric {
    /**
     * Folder of {@code ibnetdiscover -p} outputs, one {@code *.txt} per InfiniBand fabric, checked
     * on each request and parsed again when changed: they tell fabrics on the same GID prefix
     * apart. Unset: prefixes only.
     */
    Optional<Path> ibnetdiscoverDir();

    /**
     * Uploaded discoveries kept at most (≥ 1): the server keeps each one parsed, about 1.7 bytes of
     * heap per byte of text.
     */
    @WithDefault("32")
    int uploadsMaxCount();

    /** Bytes of uploaded discovery text kept in all (≥ 1; 32 MiB). */
    @WithDefault("33554432")
    long uploadsMaxBytes();
  }

  /** {@code fabricscope.db.*}. */
  interface Db {
    /**
     * JDBC URL, {@code jdbc:postgresql://host:5432/db} or {@code jdbc:h2:...}. Unset: an H2 file
     * database in {@code data-dir}. Several server replicas need PostgreSQL.
     */
    Optional<String> url();

    /** Database user, if the URL does not carry one. */
    Optional<String> user();

    /** Database password. */
    Optional<String> password();

    /** Connections in the pool (fixed size), at least 1. */
    @WithDefault("8")
    int poolSize();
  }

  /** {@code fabricscope.demo.*}. */
  interface Demo {
    /**
     * Bundled archives (under {@code src/main/resources/demo/}) loaded at start, in this order;
     * shown on the demo pages.
     */
    @WithDefault(
        "qemu-rig-iommu.tar.gz,hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2,"
            + "hwloc-40intel64-2g2n4c+pcilocality.tar.bz2,procfs-fixtures.tar.gz,"
            + "ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773.tar.gz,nvidiaDGX2.xml")
    List<String> archives();

    /** Whether an empty inventory is filled with the demo hosts at start. */
    @WithDefault("true")
    boolean seed();
  }

  /** {@code fabricscope.ingest.*}. */
  interface Ingest {
    /**
     * Threads that parse and store reports; 0: two per core on H2, four per core on PostgreSQL (at
     * least 2).
     */
    @WithDefault("0")
    int threads();

    /** Reports waiting for an ingest thread before new ones get 503 with Retry-After (≥ 1). */
    @WithDefault("1024")
    int queue();

    /** How often last-seen times of unchanged reports are written in one batch (duration). */
    @WithDefault("1s")
    Duration lastSeenFlush();

    /**
     * Reports that cost a parse (changed or refused) one host may send at once (≥ 1); then {@link
     * #parsedPerMinutePerHost()} more a minute, and one more is a 429 with Retry-After.
     */
    @WithDefault("30")
    int parsedBurstPerHost();

    /** Reports that cost a parse one host may send a minute, after the burst (≥ 1). */
    @WithDefault("12")
    int parsedPerMinutePerHost();
  }

  /** {@code fabricscope.findings.*}. */
  interface Findings {
    /** A host whose agent missed this many report intervals is "not seen" (≥ 1). */
    @WithDefault("3")
    int missedIntervals();

    /** How long fleet findings are reused before being recomputed (duration). */
    @WithDefault("5s")
    Duration cache();
  }

  /** {@code fabricscope.agent.*}: what the server assumes of its agents. */
  interface Agent {
    /** The agents' report interval ({@code agent run --interval}), for "not seen" (duration). */
    @WithDefault("5m")
    Duration interval();
  }

  /** {@code fabricscope.metrics.*}. */
  interface Metrics {
    /** How often the fleet gauges are recomputed (duration). */
    @WithDefault("15s")
    Duration refresh();

    /**
     * Whether {@code /q/metrics} answers without a token; else it needs one that may read, unless
     * anonymous reads are on.
     */
    @WithDefault("false")
    boolean open();
  }

  /**
   * {@code fabricscope.imports.*}. One import may hold a 64 MiB upload, its parsed form (an XML
   * document several times its size) and an unpacked archive at once: a bound on how many run
   * together bounds the server's memory whatever operators send.
   */
  interface Imports {
    /** Imports read at once (≥ 1). */
    @WithDefault("2")
    int concurrent();

    /** How long an import waits for a free slot before 503 with Retry-After (duration). */
    @WithName("wait")
    @WithDefault("5s")
    Duration slotWait();

    /**
     * How long reading one import may take (duration): past it the import is a 422, and its slot
     * and unpacked tree are freed at the reader's next check ({@code ParseDeadline}).
     */
    @WithDefault("60s")
    Duration parseTimeout();
  }

  /** {@code fabricscope.p2p.*}. */
  interface P2p {
    /** Hosts with more matrix devices than this get 422 from {@code /p2p} (≥ 1). */
    @WithDefault("2000")
    int maxDevices();

    /**
     * Matrices computed at once, by {@code /p2p}, plan comparisons, previews and version reads,
     * predictions and diffs together (≥ 1).
     */
    @WithDefault("2")
    int concurrent();

    /** How long a request waits for a free slot before 503 (duration). */
    @WithName("wait")
    @WithDefault("2s")
    Duration slotWait();

    /** Bytes of cached answers in all (≥ 0). */
    @WithDefault("67108864")
    long cacheBytes();

    /** Cached answers at most (≥ 0). */
    @WithDefault("32")
    int cacheEntries();
  }
}
