package dev.fabricscope.plans;

import dev.fabricscope.concurrent.SharedLru;
import dev.fabricscope.plan.PlanEdit;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Parsed plan reports, kept: each plan's base (the host's report copied into the plan) and each
 * saved version's edited report, by plan and version (neither ever changes). A legal report of
 * 19,500 PCI functions is 14 MB of JSON and about 16 MB parsed, and a plan may have 200 versions,
 * so the cache is weighed, not only counted (a security review held 1 GB of a 1.4 GB heap with 70
 * versions of one plan): an entry weighs the length of its JSON in characters (a base: the stored
 * copy; a version: its base's plus its edit list's), at most {@value #BYTES} bytes (64 MiB) and
 * {@value #ENTRIES} entries in all, least recently used first out. A parsed report takes about 1.2
 * times its JSON's length on the heap, and an edited report shares all but its PCI list with its
 * base, so the bound holds about 80 MB of heap at most. Parses and edits run in a slot ({@link
 * Slot}, the {@code /p2p} computation slots), so a burst of first reads cannot parse without bound;
 * callers asking for an entry being computed wait for it.
 */
final class PlanReports {

  /** Entries kept at most. */
  static final int ENTRIES = 64;

  /** Bytes (JSON characters) of the entries kept at most: 64 MiB. */
  static final long BYTES = 64L << 20;

  // A waiter gives up after this long even if the computation it waits for is still running.
  private static final long AWAIT_SECONDS = 60;

  /** Runs a computation in one of a bounded number of slots; a 503 when none frees in time. */
  interface Slot {
    <T> T run(Supplier<T> work);
  }

  /** Version 0 names the plan's base (versions count from 1). */
  private record Key(long plan, int version) {}

  /**
   * @param report the parsed report
   * @param bytes its weight: characters of JSON it was read and edited from
   */
  private record Entry(Report report, long bytes) {}

  private final SharedLru<Key, Entry> cache;
  private final Slot slot;
  private final LongFunction<String> baseJson;
  private final AtomicInteger parsed = new AtomicInteger();

  /**
   * @param entries entries kept at most
   * @param bytes JSON characters of the entries kept at most
   * @param slot where parses and edits run
   * @param baseJson a plan's stored base report JSON (a 404 when there is no such plan)
   */
  PlanReports(int entries, long bytes, Slot slot, LongFunction<String> baseJson) {
    this.cache =
        new SharedLru<>(
            entries,
            bytes,
            Entry::bytes,
            AWAIT_SECONDS,
            PlanReports::busy,
            dev.fabricscope.api.P2pMatrices::slotRefused);
    this.slot = slot;
    this.baseJson = baseJson;
  }

  /** The plan's base: the host's report as it was copied into the plan. */
  Report base(long plan) {
    return baseEntry(plan).report();
  }

  /**
   * The report of a saved version: the base with the version's edits applied (a 422 names a refused
   * edit, a 400 an unreadable edit list).
   */
  Report version(long plan, int version, String editsJson) {
    if (version < 1) {
      throw new IllegalArgumentException("versions count from 1: " + version);
    }
    return cache
        .get(
            new Key(plan, version),
            () -> {
              // the base first, in its own slot: a slot held while waiting for another would
              // deadlock with one slot configured
              Entry base = baseEntry(plan);
              List<PlanEdit> edits = PlanService.readEdits(editsJson);
              Report r = slot.run(() -> PlanService.apply(base.report(), edits));
              return new Entry(r, base.bytes() + editsJson.length());
            })
        .report();
  }

  private Entry baseEntry(long plan) {
    return cache.get(
        new Key(plan, 0),
        () ->
            slot.run(
                () -> {
                  // read in the slot too: the stored copy is up to 16 MiB of JSON
                  String json = baseJson.apply(plan);
                  parsed.incrementAndGet();
                  try {
                    return new Entry(ReportJson.read(json), json.length());
                  } catch (IOException e) {
                    throw new IllegalStateException(
                        "plan " + plan + ": stored report unreadable", e);
                  }
                }));
  }

  /**
   * Drops a deleted plan's base and versions (and what is being computed of them), so they neither
   * hold the bound until pushed out nor answer for the plan's id again.
   */
  void forget(long plan) {
    cache.removeIf(k -> k.plan() == plan);
  }

  /** Bases parsed so far; for tests. */
  int parsed() {
    return parsed.get();
  }

  /** Entries kept now; for tests. */
  int cached() {
    return cache.size();
  }

  /** Entries of one plan kept now (its base and versions); for tests. */
  int cached(long plan) {
    return cache.count(k -> k.plan() == plan);
  }

  /** Weight of the entries kept now (JSON characters); for tests. */
  long cachedBytes() {
    return cache.bytes();
  }

  private static ApiException busy() {
    return new ApiException(
        503, "Service unavailable", "too many plan reports are being read; retry shortly");
  }
}
