package dev.fabricscope.config;

import io.smallrye.config.WithDefault;

/**
 * {@code fabricscope.history.*}: how much of each host's history the inventory keeps. A new
 * snapshot that takes a host past either limit removes that host's oldest snapshots in the same
 * transaction (never its latest); {@code fabricscope_snapshots_pruned_total} counts them. An agent
 * token writes one host only, so these bound what one token can add to the database.
 *
 * <p>Sizing: a snapshot is stored only when a report changed, as gzip JSON: about 1.7 to 5.3 KB for
 * the demo hosts (3 to 137 PCI functions), so 10,000 of them take about 50 MB and the count bites
 * first; the byte limit is for reports that do not pack (a hostile token's random text).
 */
public interface HistoryConfig {

  /** Snapshots kept per host at most (≥ 1). */
  @WithDefault("10000")
  long maxSnapshotsPerHost();

  /** Bytes of stored (gzip) reports kept per host at most (≥ 1; 256 MiB). */
  @WithDefault("268435456")
  long maxBytesPerHost();

  /**
   * Bytes that must stay free on the volume of an embedded H2 file database (0: no floor; 512 MiB):
   * below it new snapshots are refused with a 507, before H2 meets a full volume. Not checked for
   * PostgreSQL or in-memory H2.
   */
  @WithDefault("536870912")
  long minFreeDisk();

  /**
   * Hosts the inventory holds at most (≥ 1): a report or import that would add one more is refused
   * with a 507 until an admin deletes hosts; the hosts already there still report. An agent token
   * writes one host, but an operator's imports name any host ({@code ?host=}): without a bound one
   * token could add hosts until the database, the per-host caches and every fleet view grew without
   * end. Concurrent first reports of new hosts may pass it by as many as arrive at once.
   */
  @WithDefault("20000")
  long maxHosts();

  /**
   * The last hosts of {@link #maxHosts} kept for agents' first reports of their own hosts (0 to
   * max-hosts; unset: a tenth of max-hosts, rounded down): an import (or an admin's report) that
   * would add a host past max-hosts less this is a 507. One operator importing host names had
   * filled the limit, and newly enrolled agents then got 507 (eighteenth security review, finding
   * 3).
   */
  java.util.OptionalLong agentReserve();

  /** {@link #agentReserve}, or its default for {@code maxHosts}. */
  static long agentReserve(HistoryConfig h) {
    return h.agentReserve().orElse(h.maxHosts() / 10);
  }
}
